import { ErrorCode, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ChildProcessHandle } from '../supervisor/child-process-handle.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { CANCELLED_DONE_METHOD, CancelledDoneParams } from '../../base/contracts/cancelled-done.js';
import { takeFrameLine } from '../supervisor/child-channel.js';
import { isJsonRpcEnvelope } from './forward.js';
import { rememberResultLine } from './forwarded-result-bytes.js';
import { needsSdkResultGuard } from './validated-dispatch.js';
import { ForwardedCalls } from './forwarded-calls.js';
import type { Clock } from '../ports/clock.js';

/** A child's MCP frame may be large (a page of 500 VMs) but not unbounded. */
export const MAX_CHILD_MCP_FRAME_BYTES = 16 * 1024 * 1024;

/** The SDK's own result guard, as a plain predicate (its type guard would narrow our envelope to `never`). */
const isSdkResult: (m: unknown) => boolean = isJSONRPCResultResponse;

/**
 * Ids of requests the gateway cancelled and the child has not ended yet, remembered at once. A
 * cancelled call holds its place until then (D211), so those of `tools/call` and `keybroker/plan`
 * are at most the child's cap of places; the rest (a cancelled `tools/list`) are few.
 */
const MAX_CANCELLED_REMEMBERED = 1024;

/** What the call's client is told when its result was dropped for a malformed `_meta`. */
export const MALFORMED_META = 'answered with a malformed result (_meta.progressToken must be a string or an integer), which was dropped';

/** What the call's client is told when its result claimed to be a task, which the gateway never asks a child for. */
export const UNASKED_TASK = 'answered with a task the gateway never asked for, which was dropped';

/** The two answers above: a result this transport dropped and replaced with an error (the child is still up). */
export const DROPPED_RESULTS = [MALFORMED_META, UNASKED_TASK] as const;

/**
 * The host's end of a child's MCP channel: `{ch:'mcp', msg}` frames over the child's
 * message channel. The gateway's SDK `Client` for that child runs on it. Closes (and so
 * fails every in-flight request at once) when the child exits.
 */
export class ChildMcpTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private closed = false;
  private delivery: Promise<void> = Promise.resolve();
  /** Requests sent so far, and the id of the last (the SDK sends a request within `request()`). */
  private sent = 0;
  private lastId: string | number | undefined;
  /** Who waits for the child's answer to a request, by its id (`watchLastRequest`). */
  private readonly answerWatchers = new Map<string | number, () => void>();
  /** The SDK's requests sent and not yet answered, cancelled, or ended by the channel's close. */
  private readonly open = new Set<string | number>();
  /** Requests the gateway sent `notifications/cancelled` for, until the child answers or ends them. */
  private readonly cancelled = new Set<string | number>();
  private readonly exitSub: Disposable;
  /** The forwarded `tools/call`s on this channel (D237): settled here, before the SDK's `Client`. */
  readonly calls: ForwardedCalls;

  /** `callClock` runs the forwarded calls' deadlines and life cap (ForwardedCalls' monotonic clock when absent). */
  constructor(private readonly handle: ChildProcessHandle, private readonly onInvalid: (reason: string) => void, callClock?: Clock) {
    this.calls = new ForwardedCalls((message) => this.sendNow(message), callClock);
    this.exitSub = handle.onDidExit(() => void this.close());
  }

  async start(): Promise<void> {}

  /** Feed one `{ch:'mcp'}` frame received from the child. */
  receive(frame: unknown): void {
    if (this.closed) return;
    const msg = (frame as { msg?: unknown }).msg;
    // Security: the size limit stays. A frame read from the channel carries its line's length,
    // which bounds the message inside it, so only a line longer than the limit (or a frame from
    // elsewhere) is measured by encoding the message again (issue 17: no re-encoding per frame).
    const line = takeFrameLine(frame);
    if (line === undefined || line.length > MAX_CHILD_MCP_FRAME_BYTES) {
      let size = Infinity;
      try {
        size = Buffer.byteLength(JSON.stringify(msg) ?? '');
      } catch {
        // unserialisable: treated as oversized below
      }
      if (size > MAX_CHILD_MCP_FRAME_BYTES) return this.onInvalid(`mcp frame of ${Number.isFinite(size) ? size : '?'} bytes exceeds ${MAX_CHILD_MCP_FRAME_BYTES}`);
    }
    // Security: the child is an untrusted producer; only a JSON-RPC message by its envelope
    // reaches the SDK client (its results are then checked for shape, not rebuilt).
    if (!isJsonRpcEnvelope(msg)) return this.onInvalid('mcp frame is not a JSON-RPC message');
    if ('method' in msg && msg.method === CANCELLED_DONE_METHOD) return this.cancelledDone(msg);
    // Security: the envelope reads a result's `_meta` only as an object; the SDK's own guard also
    // reads its `progressToken` (a string or an integer) and related-task entry, and silently drops
    // a result it refuses, so the call waited out its 10-minute deadline (round 11). A result
    // with `_meta` (rare: our children send none) is checked by that same guard; one it refuses
    // is audited and dropped, and its call ends now with an error instead.
    if (needsSdkResultGuard(msg) && !isSdkResult(msg)) {
      this.onInvalid('mcp result with a malformed _meta (its progressToken must be a string or an integer); dropped');
      // A result's envelope has an id (needsSdkResultGuard is true only for a result).
      return this.dropResult((msg as { id: string | number }).id, MALFORMED_META);
    }
    // Security (A7-redteam): the gateway never asks a child for a task, but the SDK keeps a call's
    // progress handler for good when its result carries `task.taskId` (a CreateTaskResult), so a
    // child could send progress for a call its client already has the answer to, and each such
    // call's handler stayed in the host. A result with `task` is dropped and audited the same way.
    if ('result' in msg && (msg.result as { task?: unknown })['task'] !== undefined) {
      this.onInvalid('mcp result with a task, which the gateway never asks for; dropped');
      return this.dropResult(msg.id, UNASKED_TASK);
    }
    // A result keeps the line it was parsed from, so the host can write the child's bytes of it
    // instead of encoding it again (issue 17; forwardedResultBytes decides whether it may).
    if (line !== undefined && 'result' in msg) rememberResultLine(msg.result as object, line);
    // A forwarded call's answer or progress is settled now, in the order the child sent them
    // (D237); everything else goes to the SDK's Client as before.
    if (this.calls.take(msg)) return;
    // Deliver each message a microtask after the previous one. Node's IPC can emit several
    // messages in one go; the SDK handles a notification on a microtask but a response at
    // once, so a last progress notification arriving with its response would otherwise be
    // dropped (its progress handler already removed by the response).
    this.deliver(msg);
  }

  /** A dropped result's call ends now with `message` as its error: a forwarded call here, any other through the SDK. */
  private dropResult(id: string | number, message: string): void {
    const answer: JSONRPCMessage = { jsonrpc: '2.0', id, error: { code: ErrorCode.InternalError, message } };
    if (!this.calls.take(answer)) this.deliver(answer);
  }

  private deliver(msg: JSONRPCMessage): void {
    this.delivery = this.delivery.then(() => {
      // Before the SDK sees it: a watcher learns of the answer even when the SDK has given up on the
      // request, and the id leaves `open` and `cancelled` (C2-tidy: it left `cancelled` only while
      // some request was watched, so a later cancelled-done for that id still ended something).
      if (('result' in msg || 'error' in msg) && msg.id !== undefined) this.answered(msg.id);
      this.onmessage?.(msg);
    }).catch((e: unknown) => this.onerror?.(e as Error));
  }

  /**
   * `keybroker/cancelled-done`: the child's handler of a request the gateway cancelled has ended
   * (our runtime sends it; D231), so whoever waits for that request's end (holdPlace)
   * learns it as from an answer. Never reaches the SDK or a client.
   * Security: the child is an untrusted producer and may lie. Only a request this gateway
   * cancelled on this channel and still waits for is ended by it: a running call (another
   * session's, whose answer gives its place back) or an id never sent is ignored, so a lying
   * child can free no place but those of calls their clients already abandoned at this child.
   */
  private cancelledDone(msg: { params?: unknown }): void {
    const params = CancelledDoneParams.safeParse(msg.params);
    if (!params.success) return this.onInvalid(`${CANCELLED_DONE_METHOD} without a valid requestId; dropped`);
    const id = params.data.requestId;
    // A forwarded call is settled as its answers are, at once (D237): only one the
    // gateway abandoned (cancelled or timed out) is ended by it.
    if (this.calls.ended(id)) return;
    // After the messages before it, as an answer would be.
    this.delivery = this.delivery.then(() => {
      if (this.cancelled.delete(id)) this.answered(id);
    });
  }

  private answered(id: string | number): void {
    this.open.delete(id);
    this.cancelled.delete(id);
    const watcher = this.answerWatchers.get(id);
    if (!watcher) return;
    this.answerWatchers.delete(id);
    watcher();
  }

  /** How many cancelled requests are remembered until the child answers or ends them: for tests. */
  get cancelledWaiting(): number {
    return this.cancelled.size;
  }

  /** How many requests were sent to the child so far (tells whether a call's request went out). */
  get requestsSent(): number {
    return this.sent;
  }

  /**
   * Call `fn` once, when the child answers the request sent last (a result or an error, also
   * after the SDK gave up on it: cancelled or timed out), says it ended that request after the
   * gateway cancelled it (`keybroker/cancelled-done`), or when this channel closes. Call right
   * after the request went out (the SDK sends within `request()`). Returns the undo.
   */
  watchLastRequest(fn: () => void): () => void {
    const id = this.lastId;
    if (id === undefined || this.closed) {
      queueMicrotask(fn);
      return () => {};
    }
    this.answerWatchers.set(id, fn);
    return () => {
      if (this.answerWatchers.get(id) !== fn) return;
      this.answerWatchers.delete(id);
      // Nobody waits for its end any more (the grace passed): a late `cancelled-done` ends nothing.
      this.cancelled.delete(id);
    };
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if ('method' in message && 'id' in message && !this.closed) {
      this.sent += 1;
      this.lastId = message.id;
      this.open.add(message.id);
    } else if ('method' in message && message.method === 'notifications/cancelled') {
      // The child may now end this request without answering it, and say so (cancelledDone).
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      // Security: only a request still open is remembered. The SDK cancels a request when its
      // signal aborts even after the answer came (a plan's, when its call's client leaves during
      // the approval), and such an id stayed here for good (C2-tidy).
      if ((typeof id === 'string' || typeof id === 'number') && this.open.delete(id)) {
        if (this.cancelled.size >= MAX_CANCELLED_REMEMBERED) this.cancelled.delete(this.cancelled.values().next().value as string | number);
        this.cancelled.add(id);
      }
    }
    this.sendNow(message);
  }

  /** Write one message to the child now; throws when the channel is closed. */
  private sendNow(message: JSONRPCMessage): void {
    if (this.closed) throw new Error(`the ${this.handle.spec.name} server is not running`);
    this.handle.send({ ch: 'mcp', msg: message });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.exitSub.dispose();
    this.calls.close();
    // The child is gone, and with it whatever it still worked on.
    const watchers = [...this.answerWatchers.values()];
    this.answerWatchers.clear();
    this.open.clear();
    this.cancelled.clear();
    for (const watcher of watchers) watcher();
    this.onclose?.();
  }
}
