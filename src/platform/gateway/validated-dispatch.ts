import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

// Issue 17 item 3 (round 10): the SDK's `Protocol.connect` sorts every incoming message with
// four zod type guards in a row (result? error? request? notification?). On the gateway's two
// hot messages that is three `safeParse` runs for a client's request (two of them failing, each
// building its issue list) and one for a child's result, on messages our own transports have
// just checked: a client's line against JSONRPCMessageSchema (JsonLineTransport, or its fast
// path that accepts only what the schema accepts unchanged) and a child's frame against the
// same envelope (ChildMcpTransport, isJsonRpcEnvelope). For those two kinds the sort below is
// exact and costs a property lookup; every other message still goes through the SDK's own sort.

/** The SDK's dispatch entry points on a connected `Protocol` (TypeScript-private, present in 1.x). */
interface ProtocolDispatch {
  _onrequest?: (request: JSONRPCMessage, extra?: unknown) => void;
  _onresponse?: (response: JSONRPCMessage) => void;
}

/** What the SDK's `_onresponse` reads and changes for a result (TypeScript-private, present in 1.x). */
interface ResponseState {
  _requestResolvers?: Map<number, (response: JSONRPCMessage) => void>;
  _responseHandlers?: Map<number, (response: JSONRPCMessage) => void>;
  _progressHandlers?: Map<number, unknown>;
  _cleanupTimeout?: (messageId: number) => void;
}

/**
 * The SDK's `_onresponse` (1.x) for a result its guard accepts, without the guard (issue 17,
 * round 11): `_onresponse` runs `isJSONRPCResultResponse`, a zod parse, twice per result, on a
 * message isValidatedResult has already placed. The same steps in the same order: a queued
 * request's resolver first; else the response handler is taken out, its timeout cleared, its
 * progress handler dropped, and it is called with the response. The settler returns false
 * (nothing done) where the SDK's own method must decide: an id nobody waits for (the SDK
 * reports it), a result with `task` (the SDK keeps that call's progress handler); undefined, no
 * settler, for an SDK without these fields. `test/platform/gateway/validated-dispatch.test.ts`
 * pins the SDK method this copies, so an upgrade that changes it fails there.
 */
function resultSettler(protocol: object): ((response: JSONRPCMessage) => boolean) | undefined {
  const p = protocol as ResponseState;
  const fields = (): boolean => p._requestResolvers instanceof Map && p._responseHandlers instanceof Map && p._progressHandlers instanceof Map && typeof p._cleanupTimeout === 'function';
  if (!fields()) return undefined;
  return (response) => {
    // Read at each result: the SDK replaces `_responseHandlers` when the connection closes.
    if (!fields()) return false;
    const messageId = Number((response as { id: unknown }).id);
    const resolver = p._requestResolvers!.get(messageId);
    if (resolver) {
      p._requestResolvers!.delete(messageId);
      resolver(response);
      return true;
    }
    const handlers = p._responseHandlers!;
    const handler = handlers.get(messageId);
    if (handler === undefined || (response as { result: { task?: unknown } }).result.task !== undefined) return false;
    handlers.delete(messageId);
    p._cleanupTimeout!(messageId);
    p._progressHandlers!.delete(messageId);
    handler(response);
    return true;
  };
}

/** Which of its incoming messages a transport has already checked as a JSON-RPC message. */
export type ValidatedKind = 'requests' | 'results';

/**
 * True when `m`, a message its transport already accepted as a JSON-RPC message (strict
 * envelope), is one the SDK would sort to `_onrequest`: it has a `method` and an `id`. The four
 * strict envelopes are told apart by their keys, so no other message has both.
 */
export function isValidatedRequest(m: JSONRPCMessage): boolean {
  return 'method' in m && 'id' in m;
}

/**
 * True when `m` is a result with `_meta`: one the SDK's own guard (`isJSONRPCResultResponse`)
 * must judge (D210, D220). The envelope check reads `_meta` only as an object, the SDK's schema
 * reads its `progressToken` (and related-task entry) too; a result without `_meta` passes both.
 * The one statement of that rule: ChildMcpTransport checks such a result with the SDK's guard,
 * and isValidatedResult leaves it to the SDK's own sort.
 */
export function needsSdkResultGuard(m: JSONRPCMessage): boolean {
  return 'result' in m && (m.result as { _meta?: unknown })['_meta'] !== undefined;
}

/**
 * True when `m`, a message its transport already accepted as a JSON-RPC envelope, is one the
 * SDK's `isJSONRPCResultResponse` accepts: a `result` that does not need the SDK's guard
 * (needsSdkResultGuard). Any other result is left to the SDK's own sort (which drops one it
 * refuses, as before).
 */
export function isValidatedResult(m: JSONRPCMessage): boolean {
  return 'result' in m && !needsSdkResultGuard(m);
}

/**
 * After `protocol.connect(transport)`: hand `kind` of the transport's messages straight to the
 * SDK's own handler for them, without its zod sort; everything else goes the SDK's way.
 * Only for transports that validate every message before `onmessage` and set no `onmessage` of
 * their own before connect (JsonLineTransport for requests, ChildMcpTransport for results; the
 * SDK's wrapper would call that first). Returns false, and changes nothing, when the SDK
 * no longer has the entry point (a future version): the SDK's sort then runs, only slower.
 */
export function dispatchValidated(protocol: object, transport: Transport, kind: ValidatedKind): boolean {
  const sdk = transport.onmessage;
  const p = protocol as unknown as ProtocolDispatch;
  const direct = kind === 'requests' ? p._onrequest : p._onresponse;
  if (!sdk || typeof direct !== 'function') return false;
  if (kind === 'requests') {
    transport.onmessage = (message, extra) => {
      if (isValidatedRequest(message)) direct.call(protocol, message, extra);
      else sdk(message, extra);
    };
    return true;
  }
  // A result is settled here where it can be; otherwise the SDK's `_onresponse` decides (round 10).
  const settle = resultSettler(protocol);
  transport.onmessage = (message, extra) => {
    if (!isValidatedResult(message)) sdk(message, extra);
    else if (!settle?.(message)) direct.call(protocol, message, extra);
  };
  return true;
}
