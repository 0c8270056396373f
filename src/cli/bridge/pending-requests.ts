/** A JSON-RPC request id as MCP allows it. */
export type RequestId = string | number;

type Message = { readonly id?: unknown; readonly method?: unknown; readonly params?: unknown; readonly result?: unknown; readonly error?: unknown };

/** True for a JSON-RPC id the bridge tracks: a string or a finite number. */
export const isRequestId = (id: unknown): id is RequestId => typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
const asMessage = (value: unknown): Message | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Message) : undefined);
const key = (id: RequestId): string => `${typeof id}:${id}`;

/** The id of `value` when it is a JSON-RPC request (a method and an id); undefined for notifications and responses. */
export function requestIdOf(value: unknown): RequestId | undefined {
  const m = asMessage(value);
  return m && typeof m.method === 'string' && isRequestId(m.id) ? m.id : undefined;
}

/** The id `value` answers when it is a JSON-RPC response (an id, `result` or `error`, no method); undefined otherwise. */
export function responseIdOf(value: unknown): RequestId | undefined {
  const m = asMessage(value);
  return m && m.method === undefined && isRequestId(m.id) && ('result' in m || 'error' in m) ? m.id : undefined;
}

/** A JSON-RPC error response for request `id`. */
export function errorResponse(id: RequestId, code: number, message: string): { jsonrpc: '2.0'; id: RequestId; error: { code: number; message: string } } {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/**
 * The client's requests the host has not answered yet, so that if the host goes away each one
 * still gets an answer: an MCP client waiting on a request that will never be answered hangs.
 */
export class PendingRequests {
  private readonly open = new Map<string, RequestId>();

  /** How many requests are waiting. */
  get size(): number {
    return this.open.size;
  }

  /** A message from the client: a request opens an entry; a cancellation closes one (no answer will come). */
  fromClient(value: unknown): void {
    const id = requestIdOf(value);
    if (id !== undefined) {
      this.open.set(key(id), id);
      return;
    }
    const m = asMessage(value);
    if (m?.method === 'notifications/cancelled') {
      const cancelled = (asMessage(m.params) as { readonly requestId?: unknown } | undefined)?.requestId;
      if (isRequestId(cancelled)) this.open.delete(key(cancelled));
    }
  }

  /** A message from the host: a response closes its request. */
  fromHost(value: unknown): void {
    this.answered(responseIdOf(value));
  }

  /** The host answered request `id` (read from the line's head or from the parsed line); undefined closes nothing. */
  answered(id: RequestId | undefined): void {
    if (id !== undefined) this.open.delete(key(id));
  }

  /** Every waiting id, oldest first; the set is empty afterwards. */
  drain(): RequestId[] {
    const ids = [...this.open.values()];
    this.open.clear();
    return ids;
  }
}
