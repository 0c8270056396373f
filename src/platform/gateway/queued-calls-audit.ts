import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { AuditInput, AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';
import type { QueuedReason } from './fair-share.js';

/** One summary per server, client and reason per interval. */
export const QUEUED_AUDIT_INTERVAL_MS = 60_000;
/** (server, client, reason) triples tracked at once; more are folded into client `other`. */
const MAX_KEYS = 64;
/** Longest client name copied into a record (self-declared by the client). */
const MAX_CLIENT = 128;

interface Tally {
  readonly server: string;
  readonly client: string;
  readonly reason: QueuedReason;
  pending: number;
  since: number;
  /** A record went out in the current interval; later ones wait for the summary. */
  reported: boolean;
}

const TEXT: Record<QueuedReason, string> = {
  'over-share': 'calls waited: the session already had its share of the server in flight',
  'child-busy': 'calls waited: the server had its most calls in flight',
};

/**
 * Audits calls that waited for a place at their child (FairShare, D183) as
 * `gateway.queued`, coalesced like the HTTP door's refusals (RefusalCoalescer, issue 10
 * item 4): a client that floods queues thousands of calls, which must not mean thousands of
 * records. The first wait of a (server, client, reason) in an interval is written at once
 * with `count: 1`; the rest are counted and written as one record with `count` and `since`
 * when the interval ends, through `appendBounded` where the sink has it, so these records
 * can never rotate real history out.
 */
export class QueuedCallsAudit implements Disposable {
  private readonly tallies = new Map<string, Tally>();
  private timer: Disposable | undefined;
  private disposed = false;

  constructor(private readonly options: { readonly audit: AuditSink; readonly clock: Clock; readonly intervalMs?: number }) {}

  /** Count one call of `client` on `server` that had to wait. */
  record(server: string, client: string, reason: QueuedReason): void {
    if (this.disposed) return;
    let name = client.slice(0, MAX_CLIENT);
    let key = `${server}\n${name}\n${reason}`;
    // Security: self-declared client names are unbounded in number; the records are not.
    if (!this.tallies.has(key) && this.tallies.size >= MAX_KEYS) {
      name = 'other';
      key = `${server}\n${name}\n${reason}`;
    }
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { server, client: name, reason, pending: 0, since: this.options.clock.now(), reported: false };
      this.tallies.set(key, tally);
    }
    if (tally.pending === 0) tally.since = this.options.clock.now();
    tally.pending += 1;
    if (!tally.reported) {
      tally.reported = true;
      this.write(tally);
    }
    this.timer ??= this.options.clock.setTimer(this.options.intervalMs ?? QUEUED_AUDIT_INTERVAL_MS, () => this.tick());
  }

  /** Write what is pending; later waits are not audited (the gateway is stopping). */
  dispose(): void {
    for (const tally of this.tallies.values()) if (tally.pending > 0) this.write(tally);
    this.tallies.clear();
    this.timer?.dispose();
    this.timer = undefined;
    this.disposed = true;
  }

  /** End of an interval: a summary per triple with waits pending; triples quiet for a whole interval are forgotten. */
  private tick(): void {
    this.timer = undefined;
    for (const [key, tally] of this.tallies) {
      if (tally.pending === 0) this.tallies.delete(key);
      else this.write(tally);
    }
    if (this.tallies.size > 0) this.timer = this.options.clock.setTimer(this.options.intervalMs ?? QUEUED_AUDIT_INTERVAL_MS, () => this.tick());
  }

  private write(tally: Tally): void {
    const record: AuditInput = { event: 'gateway.queued', server: tally.server, client: tally.client, code: tally.reason, reason: TEXT[tally.reason], count: tally.pending, since: new Date(tally.since).toISOString() };
    const { audit } = this.options;
    try {
      const written = audit.appendBounded ? audit.appendBounded(record) !== undefined : (audit.append(record), true);
      if (written) tally.pending = 0;
    } catch {
      // A log that cannot be written stops the host on its own (D175); the call waits on regardless.
    }
  }
}
