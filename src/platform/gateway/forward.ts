import { z } from 'zod';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Protocol } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { CallToolRequestSchema, type CallToolRequest, type CallToolResult, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { plainCallToolRequest } from './plain-call-tool.js';

// Issue 17 item 3, "a gateway that forwards": after the policy decision a `tools/call` and its
// result pass through the gateway without being validated and rebuilt again at each step. What
// the gateway still checks is what enters from an untrusted side: the client's messages (the
// socket transport and the SDK's request schema, unchanged) and the child's frames (the channel's
// size and complexity limits while reading, and the JSON-RPC envelope below). The child's
// result is not re-validated against CallToolResultSchema or the tool's output schema: that is
// the child's own promise about its own output, which the client's SDK checks anyway, and a
// result that breaks it is an error at the client as it was at the gateway.

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isId = (id: unknown): boolean => typeof id === 'string' || Number.isSafeInteger(id);

/** True when every key of `o` is one of `allowed` (the SDK's envelope schemas are strict). */
const onlyKeys = (o: Record<string, unknown>, allowed: readonly string[]): boolean => Object.keys(o).every((k) => allowed.includes(k));
/** `_meta`, when present, is an object (its contents are the receiver's to read). */
const metaOk = (o: Record<string, unknown>): boolean => o['_meta'] === undefined || isRecord(o['_meta']);

/**
 * True when `msg` is a JSON-RPC 2.0 message by its envelope, as JSONRPCMessageSchema reads
 * it: a request (`method` and an safe-integer or string id), a notification (`method`, no id), a
 * result (an id and an object `result`) or an error (an id or none, and `error` with an
 * safe-integer `code` and a string `message`), with no other top-level keys; `params`, when
 * present, is an object. Read without building a parsed copy of a large result; what is
 * inside `params`, `result` and `_meta` is the receiver's to check.
 */
export function isJsonRpcEnvelope(msg: unknown): msg is JSONRPCMessage {
  if (!isRecord(msg) || msg['jsonrpc'] !== '2.0') return false;
  if ('method' in msg) {
    if (typeof msg['method'] !== 'string' || !onlyKeys(msg, ['jsonrpc', 'id', 'method', 'params'])) return false;
    const params = msg['params'];
    if (params !== undefined && !(isRecord(params) && metaOk(params))) return false;
    return !('id' in msg) || isId(msg['id']);
  }
  if ('result' in msg) return onlyKeys(msg, ['jsonrpc', 'id', 'result']) && isId(msg['id']) && isRecord(msg['result']) && metaOk(msg['result']);
  if ('error' in msg) {
    const error = msg['error'];
    return onlyKeys(msg, ['jsonrpc', 'id', 'error']) && (isId(msg['id']) || msg['id'] === undefined) && isRecord(error) && Number.isSafeInteger(error['code']) && typeof error['message'] === 'string';
  }
  return false;
}

/**
 * True when `v` has the shape of a CallToolResult as far as the gateway reads it: an object,
 * `content` (if present) an array, `isError` (if present) a boolean.
 */
export function isForwardableResult(v: unknown): v is CallToolResult {
  if (!isRecord(v)) return false;
  if (v['content'] !== undefined && !Array.isArray(v['content'])) return false;
  return v['isError'] === undefined || typeof v['isError'] === 'boolean';
}

/** The result schema the gateway's child client asks for on `tools/call`: the shape check above, no copy. */
export const ForwardedCallResult = z.custom<CallToolResult>(isForwardableResult, { message: 'a tools/call result must be an object with a content array' });

/**
 * Register the gateway's `tools/call` handler on a client session's `Server`. The request is
 * still parsed with CallToolRequestSchema (it comes from the client, an untrusted side); the
 * result goes back as the handler returns it. The SDK's `Server.setRequestHandler` would parse
 * the request a second time and rebuild every result through CallToolResultSchema, so this
 * registers through the protocol layer's method that `Server` overrides.
 */
export function setForwardingCallHandler(server: Server, handler: (request: CallToolRequest, extra: Parameters<Parameters<Server['setRequestHandler']>[1]>[1]) => Promise<CallToolResult>): void {
  Protocol.prototype.setRequestHandler.call(server, CallToolRequestSchema, handler as never);
  // The common request skips zod's walk (plainCallToolRequest: what the schema would return,
  // or undefined); anything else goes to the SDK's own wrapper, which parses it with the schema
  // and fails it as before (issue 17, round 10). Where a future SDK keeps its handlers
  // elsewhere, the SDK's wrapper stays.
  const handlers = (server as unknown as { _requestHandlers?: Map<string, (request: unknown, extra: never) => Promise<unknown>> })._requestHandlers;
  const sdk = handlers instanceof Map ? handlers.get('tools/call') : undefined;
  if (!handlers || !sdk) return;
  handlers.set('tools/call', (request, extra) => {
    const plain = plainCallToolRequest(request);
    return plain ? Promise.resolve(handler(plain, extra)) : sdk(request, extra);
  });
}
