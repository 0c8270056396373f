import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { forwardedResultBytes } from './forwarded-result-bytes.js';
import { ERROR_AFTER_ID, RESPONSE_HEAD, RESULT_AFTER_ID } from './response-line-form.js';

/** One message as the host writes it: a whole line, or a head, the child's bytes and a tail. */
export type JsonRpcLine = string | readonly [head: string, body: Uint8Array, tail: string];

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * The host's encoder for the gateway socket (issue 17 item 3): one JSON-RPC message as one
 * line, newline included. Every line parses to what `JSON.stringify(message)` would have
 * written; what changes is only the form:
 *
 * - A response (`jsonrpc: '2.0'`, an `id`, and a `result` or an `error`: three own keys) is
 *   written id-first, RESPONSE_HEAD + id + `,"result":` or `,"error":` + the value + `}`, so
 *   the bridge reads the id from the head without parsing the line. The id is the message's,
 *   which the SDK took from the client's request: the host writes its own envelope, never one
 *   from a child.
 * - A result parsed from a child's line of `spliceFromBytes` bytes or more is written as the
 *   child's bytes of it when forwardedResultBytes says they are exactly that one value;
 *   otherwise it is encoded (a small result costs less to encode than to scan and splice).
 * - Anything else is JSON.stringify of the message with `method` as its first key (when it
 *   has one), so that no line but a response in the fixed form starts with its head.
 */
export function encodeJsonRpcLine(message: JSONRPCMessage, spliceFromBytes = 0): JsonRpcLine {
  const m = message as Record<string, unknown>;
  const id = m['id'];
  if (m['jsonrpc'] === '2.0' && id !== undefined && Object.keys(m).length === 3) {
    const isResult = hasOwn(m, 'result');
    const body = isResult ? m['result'] : m['error'];
    const head = RESPONSE_HEAD + JSON.stringify(id) + (isResult ? RESULT_AFTER_ID : ERROR_AFTER_ID);
    const bytes = isResult ? forwardedResultBytes(body, spliceFromBytes) : undefined;
    if (bytes !== undefined) return [head, bytes, '}\n'];
    // Undefined when neither key is there (or holds nothing JSON writes): then as any message.
    const text = JSON.stringify(body) as string | undefined;
    if (text !== undefined) return `${head}${text}}\n`;
  }
  // Small messages (notifications, requests): the copy that puts `method` first costs little.
  const { method, ...rest } = m;
  return `${JSON.stringify({ method, ...rest })}\n`;
}
