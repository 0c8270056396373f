import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** The answer to a request whose id one of the session's requests still holds (Y5-redteam). */
export const REPEATED_ID_MESSAGE = 'this request id is already being served in this session; send each request with an id of its own';

/** A request id as a map key: `1` and `"1"` are different ids. */
export function requestIdKey(id: string | number): string {
  // Stryker disable next-line EqualityOperator: equivalent; swapping which type gets which prefix keeps 1 and "1" apart.
  return typeof id === 'number' ? `n${id}` : `s${id}`;
}

/**
 * The request a `notifications/cancelled` really cancels at the SDK's `Server`, or undefined.
 * Security (C6-redteam): the SDK's `_oncancel` ignores a falsy `requestId` (`0`, `""`): that
 * request goes on and keeps its place in the SDK's controller map. Taking such a cancel as the
 * request's end freed its id, and the next request of that id replaced the first one's
 * AbortController (D194 again): any number of calls open past the window, none aborted at close.
 */
export function cancelledRequestId(message: JSONRPCMessage): string | number | undefined {
  if (!('method' in message) || 'id' in message || message.method !== 'notifications/cancelled') return undefined;
  const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
  return (typeof id === 'string' || typeof id === 'number') && id ? id : undefined;
}

/**
 * Refuse a request that reuses the id of one the session is still serving, on a transport
 * the SDK `Server` is already connected to: the request is answered with an error and never
 * reaches the Server. An id is served from its request until its answer is sent or the client
 * cancels it (the SDK sends no answer for a cancelled request).
 *
 * Security: the SDK keeps each request's AbortController by id, so a repeated id replaced the
 * first request's: that request could no longer be cancelled, and closing the session (HTTP
 * DELETE) did not abort it. A call waiting for its place at the child (D183) then ran at the
 * child after its session was gone. The gateway socket drops such a line already
 * (`json-line-transport.ts`); this holds for every door, the HTTP one included.
 */
export function refuseRepeatedRequestIds(transport: Transport): void {
  const serving = new Set<string>();
  const deliver = transport.onmessage;
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, options) => {
    if (!('method' in message) && 'id' in message && message.id !== undefined) serving.delete(requestIdKey(message.id));
    return send(message, options);
  };
  transport.onmessage = (message, extra) => {
    if ('method' in message && 'id' in message) {
      const key = requestIdKey(message.id);
      if (serving.has(key)) {
        send({ jsonrpc: '2.0', id: message.id, error: { code: ErrorCode.InvalidRequest, message: REPEATED_ID_MESSAGE } }, { relatedRequestId: message.id }).catch(() => undefined);
        return;
      }
      serving.add(key);
    } else {
      const id = cancelledRequestId(message);
      if (id !== undefined) serving.delete(requestIdKey(id));
    }
    deliver?.(message, extra);
  };
}
