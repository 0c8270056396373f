import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type CallToolRequest, type CallToolResult, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { CallCancel } from './forwarded-calls.js';
import { plainCallToolRequest } from './plain-call-tool.js';

// Issue 17 item 3, round 12 (D239): the SDK's `Server._onrequest` made, for every client
// `tools/call`, an AbortController whose signal it read at once (Node builds the signal on first
// read: ~10 µs per call), and parsed the params with `isTaskAugmentedRequestParams` (a zod parse).
// For the plain `tools/call` of a socket client (checked by the transport, then by
// `plainCallToolRequest`: no `task`, no related-task `_meta`) the steps below are `_onrequest`'s
// for a request without a task, in the same order, with a cancellation that builds its signal only
// when someone reads it. The SDK still cancels it (`_oncancel` and `_onclose` find it in its map).

/** The client's cancellation of one request, its AbortSignal made only when read (D239). */
export class LazyAbort implements CallCancel {
  aborted = false;
  reason: unknown;
  private controller: AbortController | undefined;
  private listeners: (() => void)[] | undefined;

  /** The AbortSignal, for code that needs one (waiting for a place, an approval, a plan). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** What the SDK calls on `notifications/cancelled` and on close (an AbortController's `abort`). */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    // An AbortController's reason when none is given.
    this.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.controller?.abort(this.reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const fn of listeners) fn();
  }

  onAbort(fn: () => void): () => void {
    (this.listeners ??= []).push(fn);
    return () => {
      const i = this.listeners?.indexOf(fn) ?? -1;
      if (i >= 0) this.listeners!.splice(i, 1);
    };
  }
}

/** What the gateway's `tools/call` handler is given: the SDK's extra, and the lazy cancellation. */
export interface DirectCallExtra {
  readonly signal: AbortSignal;
  readonly cancel: CallCancel;
  readonly requestId: string | number;
  readonly sendNotification: (notification: never) => Promise<void>;
}

/**
 * The extra of one directly served call, with the keys the SDK's `_onrequest` gives a handler.
 * A class, not an object literal with a getter (E1-gwspeed): V8 builds a literal with an
 * accessor through the runtime and leaves it in dictionary mode, ~5,000 instructions per call
 * (callgrind, bench:gateway's echo). `signal` is read from the prototype; the functions stay
 * own closures, so a handler may still take them off the object.
 */
class DirectExtra implements DirectCallExtra {
  readonly cancel: LazyAbort;
  readonly sessionId: string | undefined;
  readonly _meta: CallToolRequest['params']['_meta'];
  readonly sendNotification: (notification: never) => Promise<void>;
  readonly sendRequest: (r: never, schema: never, options?: object) => Promise<unknown>;
  readonly authInfo: unknown;
  readonly requestId: string | number;
  readonly requestInfo: unknown;

  constructor(server: Server, abort: LazyAbort, id: string | number, request: CallToolRequest, sessionId: string | undefined, extra: unknown) {
    this.cancel = abort;
    this.sessionId = sessionId;
    this._meta = request.params._meta;
    this.sendNotification = async (notification: never) => {
      if (abort.aborted) return;
      await server.notification(notification, { relatedRequestId: id });
    };
    this.sendRequest = async (r: never, schema: never, options?: object) => {
      if (abort.aborted) throw new McpError(ErrorCode.ConnectionClosed, 'Request was cancelled');
      return server.request(r, schema, { ...options, relatedRequestId: id });
    };
    this.authInfo = (extra as { authInfo?: unknown } | undefined)?.authInfo;
    this.requestId = id;
    this.requestInfo = (extra as { requestInfo?: unknown } | undefined)?.requestInfo;
  }

  /** Built only when read (D239). */
  get signal(): AbortSignal {
    return this.cancel.signal;
  }
}

/** What `_onrequest` reads and changes on the `Server` (TypeScript-private, present in 1.x). */
interface RequestState {
  _requestHandlerAbortControllers?: Map<string | number, { abort(reason?: unknown): void }>;
  _requestHandlers?: Map<string, unknown>;
  _taskStore?: unknown;
  _onerror?: (error: Error) => void;
}

/**
 * After `dispatchValidated(server, transport, 'requests')`: serve a socket client's plain
 * `tools/call` with `handler` (the one `setForwardingCallHandler` registered) without the SDK's
 * `_onrequest`; every other message goes on as before. Only for a transport that checked every
 * message's envelope (JsonLineTransport). Returns false, and changes nothing, where the SDK lacks
 * what this reads (a future version), or runs tasks (a task store: `_onrequest` must decide).
 */
export function serveCallsDirectly(server: Server, transport: Transport, handler: (request: CallToolRequest, extra: DirectCallExtra) => Promise<CallToolResult>): boolean {
  const p = server as unknown as RequestState;
  const controllers = p._requestHandlerAbortControllers;
  const next = transport.onmessage;
  if (!(controllers instanceof Map) || !(p._requestHandlers instanceof Map) || p._taskStore !== undefined || typeof p._onerror !== 'function' || !next) return false;
  const onerror = p._onerror.bind(server);
  transport.onmessage = (message, extra) => {
    const request = (message as { method?: unknown }).method === 'tools/call' && 'id' in message ? plainCallToolRequest(message) : undefined;
    if (!request) return next(message, extra);
    const id = (message as { id: string | number }).id;
    const abort = new LazyAbort();
    controllers.set(id, abort);
    const fullExtra = new DirectExtra(server, abort, id, request, transport.sessionId, extra);
    const done = (): void => {
      if (controllers.get(id) === abort) controllers.delete(id);
    };
    handler(request, fullExtra)
      .then((result) => {
        if (abort.aborted) return; // cancelled: no answer, as the SDK
        return transport.send({ result, jsonrpc: '2.0', id } as JSONRPCMessage);
      }, (error: { code?: unknown; message?: string; data?: unknown }) => {
        if (abort.aborted) return;
        return transport.send({ jsonrpc: '2.0', id, error: { code: Number.isSafeInteger(error['code']) ? error['code'] as number : ErrorCode.InternalError, message: error.message ?? 'Internal error', ...(error['data'] !== undefined && { data: error['data'] }) } });
      })
      // The SDK's `.finally`, as the two ends of one `then` (E1-gwspeed: no third promise per call).
      .then(done, (error: unknown) => {
        try {
          onerror(new Error(`Failed to send response: ${String(error)}`));
        } finally {
          done();
        }
      });
  };
  return true;
}
