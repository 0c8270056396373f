import type { ServerResponse } from 'node:http';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { AuditSink } from '../ports/audit-sink.js';
import { monotonicNow, type Clock } from '../ports/clock.js';

/** Between SSE keep-alive comments on a stream the client reads: the MCP SDK's own interval, kept. */
export const SSE_KEEP_ALIVE_MS = 15_000;

/**
 * A response whose buffer stays full this long, with not one drain, is a client that does not
 * read (D277): five minutes, what Node's own HTTP client (undici, under the MCP SDK's
 * fetch) waits for a body's next bytes before it gives up on a server.
 */
export const STALLED_RESPONSE_MS = 5 * 60_000;

/** An SSE comment: every client skips it, and a reader's idle timer sees bytes. */
const KEEP_ALIVE = ': keepalive\n\n';

/** What the audit's record of an ended session says; one line, no count (it would need the gateway). */
const STALLED_REASON = `http: read nothing of a full response for ${STALLED_RESPONSE_MS / 60_000} minutes; its session was closed and its calls cancelled`;

/** How to run a StalledResponses. */
export interface StalledResponsesOptions {
  /** The door's clock; fullness is measured on its monotonic time (`monotonicNow`); tests pass a ManualClock. */
  readonly clock: Clock;
  readonly stallMs?: number;
  readonly keepAliveMs?: number;
}

interface Watched {
  /** When a tick first saw the buffer full since it last drained; undefined while it drains. */
  fullSince: number | undefined;
  readonly onStall: () => void;
}

/**
 * An SSE stream the host may still write to: a keep-alive may go between two of its events. The
 * door sets a header (Vary) on every response before the SDK's writeHead, so Node keeps the headers
 * where getHeader reads them.
 */
function isOpenEventStream(res: ServerResponse): boolean {
  return res.headersSent && !res.writableEnded && String(res.getHeader('content-type')).startsWith('text/event-stream');
}

/**
 * The HTTP door's responses while they are open (D277), on one timer for all of them
 * every `keepAliveMs`: a response that can take more gets an SSE keep-alive comment, one whose buffer
 * is full gets none, and one whose buffer has stayed full for `stallMs` without a single drain is
 * destroyed and reported. D261 makes a call's progress wait while its response is full; this ends
 * that wait for a client that never reads and never closes, so its call, its waiting progress and
 * its connection are not held for ever. A reader that is slow but drains now and then is never cut:
 * each drain starts the count again.
 *
 * The keep-alive replaces the SDK's (turned off with `keepAliveMs: 0`), which enqueued its comment
 * on a stalled stream too. Ours is written to the response between two events: the SDK enqueues each
 * event as one chunk, and the response is written one chunk per `write`.
 */
export class StalledResponses implements Disposable {
  private readonly watched = new Map<ServerResponse, Watched>();
  private readonly stallMs: number;
  private readonly keepAliveMs: number;
  private timer: Disposable | undefined;

  constructor(private readonly options: StalledResponsesOptions) {
    this.stallMs = options.stallMs ?? STALLED_RESPONSE_MS;
    this.keepAliveMs = options.keepAliveMs ?? SSE_KEEP_ALIVE_MS;
  }

  /** Responses watched right now: for tests. */
  get size(): number {
    return this.watched.size;
  }

  /** Watch `res` until it closes; `onStall` runs once if it is destroyed for not being read. */
  watch(res: ServerResponse, onStall: () => void): void {
    if (res.destroyed || this.watched.has(res)) return;
    const entry: Watched = { fullSince: undefined, onStall };
    const drained = (): void => {
      entry.fullSince = undefined;
    };
    res.on('drain', drained);
    res.once('close', () => {
      res.off('drain', drained);
      this.watched.delete(res);
      if (this.watched.size === 0) this.stop();
    });
    this.watched.set(res, entry);
    this.timer ??= this.options.clock.setTimer(this.keepAliveMs, () => this.tick());
  }

  /** Stop the timer; the responses end with their connections (the door closes them). */
  dispose(): void {
    this.stop();
    this.watched.clear();
  }

  private stop(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private tick(): void {
    this.timer = undefined;
    const now = monotonicNow(this.options.clock);
    for (const [res, entry] of [...this.watched]) {
      if (!res.writableNeedDrain) {
        entry.fullSince = undefined;
        // Security: never onto a full stream (the SDK's did): a client that does not read gets nothing more.
        if (isOpenEventStream(res)) res.write(KEEP_ALIVE);
        continue;
      }
      entry.fullSince ??= now;
      // Security: a client that never reads and never closes holds a call, its waiting progress
      // and a connection only this long (D277).
      if (now - entry.fullSince < this.stallMs) continue;
      this.watched.delete(res);
      res.destroy();
      entry.onStall();
    }
    if (this.watched.size > 0) this.timer = this.options.clock.setTimer(this.keepAliveMs, () => this.tick());
  }
}

/** One `gateway.rejected` record for a session the door closed because its client read nothing of a full response. */
export function auditStall(audit: AuditSink, server: string, client: string): void {
  audit.append({ event: 'gateway.rejected', outcome: 'cancelled', code: 'stalled_client', server, client, reason: STALLED_REASON });
}
