import { ErrorCode, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ChildProcessHandle } from '../supervisor/child-process-handle.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { takeFrameLine } from '../supervisor/child-channel.js';
import { isJsonRpcEnvelope } from './forward.js';
import { rememberResultLine } from './forwarded-result-bytes.js';
import { ForwardedCalls } from './forwarded-calls.js';

/** A child's MCP frame may be large (a page of 500 VMs) but not unbounded. */
export const MAX_CHILD_MCP_FRAME_BYTES = 16 * 1024 * 1024;

/** The SDK's own result guard, as a plain predicate (its type guard would narrow our envelope to `never`). */
const isSdkResult: (m: unknown) => boolean = isJSONRPCResultResponse;

/** What the call's client is told when its result was dropped for a malformed `_meta`. */
export const MALFORMED_META = 'answered with a malformed result (_meta.progressToken must be a string or an integer), which was dropped';

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
  private readonly exitSub: Disposable;
  /** The forwarded `tools/call`s on this channel (D-A1-gwfwd-1): settled here, before the SDK's `Client`. */
  readonly calls = new ForwardedCalls((message) => this.sendNow(message));

  constructor(private readonly handle: ChildProcessHandle, private readonly onInvalid: (reason: string) => void) {
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
    // Security: the envelope reads a result's `_meta` only as an object; the SDK's own guard also
    // reads its `progressToken` (a string or an integer) and related-task entry, and silently drops
    // a result it refuses, so the call waited out its 10-minute deadline (round 11). A result
    // with `_meta` (rare: our children send none) is checked by that same guard; one it refuses
    // is audited and dropped, and its call ends now with an error instead.
    if ('result' in msg && (msg.result as { _meta?: unknown })['_meta'] !== undefined && !isSdkResult(msg)) {
      this.onInvalid('mcp result with a malformed _meta (its progressToken must be a string or an integer); dropped');
      const answer: JSONRPCMessage = { jsonrpc: '2.0', id: msg.id, error: { code: ErrorCode.InternalError, message: MALFORMED_META } };
      if (!this.calls.take(answer)) this.deliver(answer);
      return;
    }
    // A result keeps the line it was parsed from, so the host can write the child's bytes of it
    // instead of encoding it again (issue 17; forwardedResultBytes decides whether it may).
    if (line !== undefined && 'result' in msg) rememberResultLine(msg.result as object, line);
    // A forwarded call's answer or progress is settled now, in the order the child sent them
    // (D-A1-gwfwd-1); everything else goes to the SDK's Client as before.
    if (this.calls.take(msg)) return;
    // Deliver each message a microtask after the previous one. Node's IPC can emit several
    // messages in one go; the SDK handles a notification on a microtask but a response at
    // once, so a last progress notification arriving with its response would otherwise be
    // dropped (its progress handler already removed by the response).
    this.deliver(msg);
  }

  private deliver(msg: JSONRPCMessage): void {
    this.delivery = this.delivery.then(() => {
      // Before the SDK sees it: a watcher learns of the answer even when the SDK has given up on the request.
      if (this.answerWatchers.size > 0 && ('result' in msg || 'error' in msg) && msg.id !== undefined) this.answered(msg.id);
      this.onmessage?.(msg);
    }).catch((e: unknown) => this.onerror?.(e as Error));
  }

  private answered(id: string | number): void {
    const watcher = this.answerWatchers.get(id);
    if (!watcher) return;
    this.answerWatchers.delete(id);
    watcher();
  }

  /** How many requests were sent to the child so far (tells whether a call's request went out). */
  get requestsSent(): number {
    return this.sent;
  }

  /**
   * Call `fn` once, when the child answers the request sent last (a result or an error, also
   * after the SDK gave up on it: cancelled or timed out) or when this channel closes. Call right
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
      if (this.answerWatchers.get(id) === fn) this.answerWatchers.delete(id);
    };
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if ('method' in message && 'id' in message && !this.closed) {
      this.sent += 1;
      this.lastId = message.id;
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
    for (const watcher of watchers) watcher();
    this.onclose?.();
  }
}
