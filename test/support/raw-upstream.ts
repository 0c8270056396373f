// An HTTPS upstream whose answers the test writes itself, byte by byte if it likes: for the
// deadlines of connector requests (a server that never answers, or trickles its answer
// slower than any deadline) and for answers no fake gives (a compressed one). Its certificate
// comes from a private test CA (openssl-pki.ts) for 127.0.0.1, and the dispatcher it hands
// out is the product's (createUpstreamDispatcher, with its connect, headers and per-chunk
// body timeouts) trusting that CA only.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agent } from 'undici';
import { createUpstreamDispatcher } from '../../src/connectors/tls/index.js';
import { createTestPki } from './openssl-pki.js';

/** A running upstream; close it in `after`/`finally`. */
export interface RawUpstream {
  /** `https://127.0.0.1:PORT/sdk`. */
  readonly url: string;
  /** `https://127.0.0.1:PORT`. */
  readonly origin: string;
  /** The product's upstream dispatcher, trusting the test CA only. */
  readonly dispatcher: Agent;
  /** The test CA's certificate (PEM), for a client that makes its own dispatcher (an endpoint's `ca`). */
  readonly caPem: string;
  /** Requests received so far, `METHOD path`. */
  readonly received: string[];
  /** Closes the dispatcher, the server (its open connections too) and removes the test CA. */
  close(): Promise<void>;
}

/**
 * Starts the upstream; `respond` gets each request once its body has arrived (as text) and
 * writes the answer, or does nothing: the socket is then held open until the client gives
 * up or the upstream closes.
 */
export async function startRawUpstream(respond: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<RawUpstream> {
  const pki = createTestPki();
  const leaf = pki.issue('IP:127.0.0.1');
  const received: string[] = [];
  const server = https.createServer({ key: leaf.key, cert: leaf.cert }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(`${req.method} ${req.url}`);
      respond(req, res, body);
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
  } catch (error) {
    pki.remove();
    throw error;
  }
  const dispatcher = createUpstreamDispatcher({ ca: pki.ca.cert });
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/sdk`,
    origin,
    dispatcher,
    caPem: pki.ca.cert,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await dispatcher.close();
      pki.remove();
    },
  };
}

/**
 * Writes `head` and then one byte of `filler` every `everyMs` for as long as the client
 * stays: an answer that is always arriving and never complete, each byte well inside the
 * dispatcher's per-chunk body timeout. Stops when the client goes.
 */
export function trickle(res: ServerResponse, head: string, filler = ' ', everyMs = 20): void {
  res.write(head);
  const timer = setInterval(() => res.write(filler), everyMs);
  res.on('close', () => clearInterval(timer));
}
