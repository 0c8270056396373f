import type { ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { DrainWait } from '../ipc/drain-wait.js';

/** A message on its way to the client, and its send options as the SDK's Protocol passes them. */
type Send = StreamableHTTPServerTransport['send'];

/** The JSON-RPC requests of a POST body (one message or a batch), by their ids. */
function requestIds(body: unknown): RequestId[] {
  const ids: RequestId[] = [];
  for (const m of Array.isArray(body) ? body : [body]) {
    const { id, method } = (m ?? {}) as { id?: unknown; method?: unknown };
    if (typeof method === 'string' && (typeof id === 'string' || typeof id === 'number')) ids.push(id);
  }
  return ids;
}

const isResponse = (m: JSONRPCMessage): boolean => 'result' in m || 'error' in m;

/**
 * Backpressure for one HTTP session's SSE streams (D261). The SDK's Streamable HTTP
 * transport enqueues every message on the request's SSE stream at once, so the gateway's wait for
 * `sendNotification` (which bounds a call's waiting progress, D242) never waited and a child's
 * progress for a client that does not read grew the stream without bound. Here a message for a
 * request (progress; never its answer) waits while that request's HTTP response cannot take more
 * (`writableNeedDrain`), as the gateway socket's transport waits for its socket: the stream then
 * holds at most about one message, and the rest waits in the gateway under D242's bound.
 *
 * The response is the one whose POST carried the request (Map keys keep 1 and "1" apart). A wait
 * ends when the response drains or closes, or when the transport closes.
 */
export class SseBackpressure {
  private readonly responses = new Map<RequestId, ServerResponse>();
  /** One shared wait per response sends waited on (E3-tidy): one listener pair, not one per send; kept until it closes. */
  private readonly waits = new Map<ServerResponse, DrainWait>();
  private waiters = 0;

  /** Requests whose response is known (until it closes): for tests. */
  get tracked(): number {
    return this.responses.size;
  }

  /** Responses whose one wait object is kept (until they close): for tests. */
  get held(): number {
    return this.waits.size;
  }

  /** Sends that wait for a stream to drain right now: for tests. */
  get waiting(): number {
    return this.waiters;
  }

  /** Make `transport`'s sends for a request wait for its response; call before the gateway connects to it. */
  install(transport: StreamableHTTPServerTransport): void {
    const send: Send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      const id = options?.relatedRequestId;
      // Security: a request's answer is never held back (it is one message, and what the client
      // waits for); what is held is what a child can send without end: progress.
      if (id !== undefined && !isResponse(message)) await this.room(id);
      return send(message, options);
    };
    const onclose = transport.onclose;
    transport.onclose = () => {
      this.releaseAll();
      onclose?.();
    };
  }

  /** The POST `body` arrived on `res`: its requests' messages go out on `res` until it closes. */
  track(body: unknown, res: ServerResponse): void {
    const ids = requestIds(body);
    if (ids.length === 0) return;
    for (const id of ids) this.responses.set(id, res);
    res.once('close', () => {
      for (const id of ids) if (this.responses.get(id) === res) this.responses.delete(id);
      // Its wait ended with the close; the response's one wait object goes with it.
      this.waits.delete(res);
    });
  }

  /** Resolves once the response of request `id` can take a message (or is gone). */
  private async room(id: RequestId): Promise<void> {
    // A closed response has left the map (track's listener), so only a live one is waited on.
    for (let res = this.responses.get(id); res?.writableNeedDrain; res = this.responses.get(id)) {
      await this.drained(res);
    }
  }

  private async drained(res: ServerResponse): Promise<void> {
    let wait = this.waits.get(res);
    if (!wait) this.waits.set(res, wait = new DrainWait(res));
    this.waiters += 1;
    try {
      await wait.wait();
    } finally {
      this.waiters -= 1;
    }
  }

  private releaseAll(): void {
    for (const wait of this.waits.values()) wait.release();
    this.waits.clear();
    this.responses.clear();
  }
}
