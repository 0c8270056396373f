import { ErrorCode, McpError, ProgressNotificationSchema, type CallToolResult, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_MAX_CALL_MINUTES } from '../../base/contracts/config.js';
import { toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';
import type { Clock } from '../ports/clock.js';
import type { Release } from './fair-share.js';
import { CallLifetimeError } from './call-lifetime-error.js';
import { ForwardedCallResult, isForwardableResult } from './forward.js';
import { CANCELLED_CALL_GRACE_MS } from './held-place.js';

// Issue 17 item 3, round 12 (D237): a forwarded `tools/call` goes to the child without the
// SDK's `Client.request` (a promise with closures, a 10-minute timer, an abort listener and a zod
// wrapper per call) and without an answer watcher per call (D211's, now armed only when a call is
// abandoned). The SDK's `Client` keeps everything else on the channel (initialize, tools/list,
// keybroker/plan); the ids here are in a range of their own, so the two never meet.

/** The first id of a forwarded call: far above any id the SDK's own counter reaches, digits only (D108's byte path reads them). */
export const FORWARDED_ID_BASE = 1_000_000_000_000_000;
/** Long operations (a vCenter task, a P6 export) report progress; the deadline restarts on each report (the SDK's `resetTimeoutOnProgress`). */
export const CALL_TIMEOUT_MS = 10 * 60 * 1000;
/**
 * The longest a forwarded call lives at the child, progress or not (D262): config
 * `children.maxCallMinutes`' default, one number for both. Security: a child's progress restarts
 * the deadline above, so without this a compromised child kept a call (its place at the child,
 * its client's wait) alive forever.
 */
export const DEFAULT_MAX_CALL_MS = DEFAULT_MAX_CALL_MINUTES * 60_000;

/** Progress as the gateway passes it on (the notification's params without its token). */
export type Progress = { progress: number; total?: number; message?: string };

/**
 * The client's cancellation as a forwarded call reads it: an AbortSignal (`cancelOfSignal`), or
 * the direct dispatch's `LazyAbort`, which builds no AbortSignal unless one is read (D239).
 */
export interface CallCancel {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** Call `fn` once when it aborts; returns the undo. */
  onAbort(fn: () => void): () => void;
}

/** An AbortSignal as a CallCancel. */
export function cancelOfSignal(signal: AbortSignal): CallCancel {
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return signal.reason as unknown;
    },
    onAbort(fn) {
      signal.addEventListener('abort', fn, { once: true });
      return () => signal.removeEventListener('abort', fn);
    },
  };
}

/** What a forwarded call needs besides the tool's name and arguments. */
export interface ForwardOptions {
  /** The client's cancellation: aborting it cancels the call in the child and rejects at once. */
  readonly cancel: CallCancel;
  /** The gateway's own `_meta` (D201, the approval); a client's never reaches the child. */
  readonly meta?: Record<string, unknown>;
  readonly onprogress?: (p: Progress) => void;
  /** The call's place at the child (D183), given back when the child is done with the call (D211). */
  readonly release: Release;
  /** The gateway's Clock, for the grace of an abandoned call (D211). */
  readonly clock: Clock;
  readonly graceMs?: number;
  /** The call's whole life at the child (default DEFAULT_MAX_CALL_MS; never less than CALL_TIMEOUT_MS, the one timer's assumption). */
  readonly maxCallMs?: number;
}

interface Pending {
  readonly resolve: (r: CallToolResult) => void;
  readonly reject: (e: unknown) => void;
  readonly options: ForwardOptions;
  /** Stops listening to the client's cancellation. */
  unlisten: () => void;
  /** When the call times out (the deadline clock's time), unless progress moves it on. */
  deadline: number;
  /** The end of the call's life: progress never moves the deadline past it (D262). */
  readonly endsBy: number;
  /** How long the call may live, as `endsBy` was computed from it. */
  readonly life: number;
  /** Progress came so late that the deadline is the end of the call's life: reaching it is the cap, not silence. */
  capped?: true;
  /** The client gave up on it (cancelled, timed out); it keeps its place until the child answers (D211). */
  abandoned?: Disposable;
}

const noop = (): void => undefined;

/**
 * Monotonic time for the deadline, as the SDK's timer was: a wall clock stepped forward must not
 * time calls out early. Its timer is unref'd: a deadline must not keep a stopping host alive.
 */
const monotonicClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return toDisposable(() => clearTimeout(timer));
  },
};

/**
 * The forwarded `tools/call`s of one child channel: our own id map, progress, cancellation and the
 * deadline, settled from the child's line as the channel delivers it. Behaves as the SDK's
 * `Client.request` with `ForwardedCallResult`, `timeout: CALL_TIMEOUT_MS` and `resetTimeoutOnProgress`
 * did: the same request, the same `notifications/cancelled`, the same errors.
 */
export class ForwardedCalls {
  private nextId = FORWARDED_ID_BASE;
  private readonly pending = new Map<number, Pending>();
  /** One deadline timer for every call of the channel (not one per call), armed while any call is live. */
  private timer: Disposable | undefined;
  private closed = false;

  /**
   * `send` writes one message to the child now, and throws when the channel is closed; `time`
   * runs the deadline (monotonic by default; tests pass a ManualClock).
   */
  constructor(private readonly send: (message: JSONRPCMessage) => void, private readonly time: Clock = monotonicClock) {}

  /** Forward one call; resolves with the child's result, rejects as `Client.request` did. */
  call(name: string, args: Record<string, unknown> | undefined, options: ForwardOptions): Promise<CallToolResult> {
    const { cancel } = options;
    if (cancel.aborted) {
      options.release();
      return Promise.reject(cancel.reason);
    }
    const id = this.nextId++;
    const params: Record<string, unknown> = { name, arguments: args };
    const meta = options.onprogress ? { ...options.meta, progressToken: id } : options.meta;
    if (meta) params['_meta'] = meta;
    return new Promise<CallToolResult>((resolve, reject) => {
      try {
        this.send({ method: 'tools/call', params, jsonrpc: '2.0', id } as JSONRPCMessage);
      } catch (e) {
        // Never sent: the place goes back at once.
        options.release();
        reject(e);
        return;
      }
      const now = this.time.now();
      // Never less than the deadline: a new call's first deadline is then never before the one timer (D237).
      const life = Math.max(CALL_TIMEOUT_MS, options.maxCallMs ?? DEFAULT_MAX_CALL_MS);
      const call: Pending = { resolve, reject, options, unlisten: noop, deadline: now + CALL_TIMEOUT_MS, endsBy: now + life, life };
      this.pending.set(id, call);
      call.unlisten = cancel.onAbort(() => this.abandon(id, cancel.reason instanceof McpError ? cancel.reason : new McpError(ErrorCode.RequestTimeout, String(cancel.reason)), cancel.reason));
      this.timer ??= this.arm(CALL_TIMEOUT_MS);
    });
  }

  /**
   * A message from the child, before the SDK's `Client` sees it: true when it was a forwarded
   * call's answer or progress and is handled here; false to pass it on.
   */
  take(message: JSONRPCMessage): boolean {
    const m = message as { id?: unknown; method?: unknown; params?: { progressToken?: unknown } };
    if (typeof m.id === 'number') {
      if (m.id < FORWARDED_ID_BASE || 'method' in m) return false;
      const call = this.pending.get(m.id);
      if (!call) return false;
      this.pending.delete(m.id);
      this.settle(call, message);
      return true;
    }
    if (m.method !== 'notifications/progress') return false;
    const token = m.params?.progressToken;
    const call = typeof token === 'number' && token >= FORWARDED_ID_BASE ? this.pending.get(token) : undefined;
    if (!call || call.abandoned || !call.options.onprogress) return false;
    // Security: the child is untrusted; its progress is read with the SDK's own schema, as before.
    const parsed = ProgressNotificationSchema.safeParse(message);
    if (!parsed.success) return false;
    const { progressToken: _token, ...progress } = parsed.data.params;
    // Security: progress restarts the deadline, up to the end of the call's life and never past it.
    const restarted = this.time.now() + CALL_TIMEOUT_MS;
    if (restarted >= call.endsBy) call.capped = true;
    call.deadline = Math.min(restarted, call.endsBy);
    call.options.onprogress(progress);
    return true;
  }

  /**
   * The child says its handler of call `id` has ended (`keybroker/cancelled-done`, D231): true
   * when `id` was a call the gateway abandoned, whose place now comes back. Security: the child
   * may lie; a call still running for its client is not ended by it (its answer frees its place).
   */
  ended(id: string | number): boolean {
    const call = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!call?.abandoned) return false;
    this.pending.delete(id as number);
    this.finish(call, noop);
    return true;
  }

  /** The channel closed: every live call fails as the SDK's did, every held place comes back (D211). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timer?.dispose();
    this.timer = undefined;
    const calls = [...this.pending.values()];
    this.pending.clear();
    const error = McpError.fromError(ErrorCode.ConnectionClosed, 'Connection closed');
    for (const call of calls) this.finish(call, () => call.reject(error));
  }

  /** How many calls hold a place at the child (live or abandoned): for tests. */
  get size(): number {
    return this.pending.size;
  }

  private settle(call: Pending, message: JSONRPCMessage): void {
    if (call.abandoned) return this.finish(call, () => undefined);
    if ('error' in message) {
      const { code, message: text, data } = message.error;
      return this.finish(call, () => call.reject(new McpError(code, text, data)));
    }
    const result = (message as { result: unknown }).result;
    // The shape check of ForwardedCallResult, without zod on the way; zod names what is wrong.
    if (isForwardableResult(result)) this.finish(call, () => call.resolve(result));
    else this.finish(call, () => call.reject(ForwardedCallResult.safeParse(result).error));
  }

  /** Done with the child: listener, grace and place released, then the caller told. */
  private finish(call: Pending, tell: () => void): void {
    call.unlisten();
    call.abandoned?.dispose();
    call.options.release();
    tell();
  }

  /**
   * The client gave up (cancelled) or the deadline passed: the child is told, the caller rejected
   * now, and the call keeps its place until the child answers it, the channel closes, or the
   * grace passes. Security: a child that ignores cancellation must not be given more than its caps
   * by a client that cancels and calls again (D211).
   */
  private abandon(id: number, error: McpError | CallLifetimeError, reason: unknown): void {
    const call = this.pending.get(id);
    if (!call || call.abandoned) return;
    const { options } = call;
    call.unlisten();
    call.abandoned = options.clock.setTimer(options.graceMs ?? CANCELLED_CALL_GRACE_MS, () => {
      if (this.pending.get(id) !== call) return;
      this.pending.delete(id);
      options.release();
    });
    try {
      this.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(reason) } });
    } catch {
      // The channel is closing; its close frees the place.
    }
    call.reject(error);
  }

  private arm(ms: number): Disposable {
    return this.time.setTimer(ms, () => this.sweep());
  }

  /** The deadline timer fired: time out each live call past its deadline, re-arm for the next. */
  private sweep(): void {
    this.timer = undefined;
    const t = this.time.now();
    let next = Infinity;
    for (const [id, call] of [...this.pending]) {
      if (call.abandoned) continue;
      if (call.deadline > t) next = Math.min(next, call.deadline);
      else {
        const error = call.capped ? new CallLifetimeError(call.life) : McpError.fromError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: CALL_TIMEOUT_MS });
        this.abandon(id, error, error);
      }
    }
    if (next !== Infinity && !this.closed) this.timer = this.arm(Math.max(1, Math.ceil(next - t)));
  }
}
