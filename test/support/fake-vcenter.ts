// A fake vCenter's SOAP endpoint over HTTPS, for connector tests that need answers no real
// simulator gives (a redirect, an HTML page, a gzip bomb, a crafted UpdateSet): a private
// test CA (openssl-pki.ts) signs its certificate for 127.0.0.1, and the dispatcher it hands
// out is the product's (createUpstreamDispatcher) trusting that CA only. The test decides
// every answer; the fake only reads each request whole and writes the reply.
import type { IncomingHttpHeaders } from 'node:http';
import type { Agent } from 'undici';
import { startRawUpstream } from './raw-upstream.js';

/** One request as the fake received it. */
export interface FakeVcenterRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The fake's answer to one request: status (default 200), body, and headers beside `content-type: text/xml`. */
export interface FakeVcenterReply {
  readonly status?: number;
  readonly body: string | Buffer;
  readonly headers?: Record<string, string>;
}

/** A running fake; close it in `after`/`finally`. */
export interface FakeVcenter {
  /** `https://127.0.0.1:PORT/sdk`. */
  readonly url: string;
  /** The product's upstream dispatcher, trusting the fake's test CA only. */
  readonly dispatcher: Agent;
  /** Closes the dispatcher, the server (its open connections too) and removes the test CA. */
  close(): Promise<void>;
}

/**
 * Starts the fake; `answer` gives the reply to each request once its body has arrived, or
 * undefined for none: that request stays open until the client gives up or the fake closes.
 */
export async function startFakeVcenter(answer: (request: FakeVcenterRequest) => FakeVcenterReply | undefined): Promise<FakeVcenter> {
  // The server, test CA and dispatcher are raw-upstream's; the fake only shapes the replies.
  const upstream = await startRawUpstream((req, res, body) => {
    const reply = answer({ method: req.method!, path: req.url!, headers: req.headers, body });
    if (reply === undefined) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/xml; charset=utf-8', ...reply.headers });
    res.end(reply.body);
  });
  return { url: upstream.url, dispatcher: upstream.dispatcher, close: () => upstream.close() };
}
