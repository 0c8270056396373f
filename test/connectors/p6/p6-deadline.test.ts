// P6's requests already had one total deadline (AbortSignal.timeout over headers and body,
// D139 checked them): proved here against a real local HTTPS server that trickles
// its answer a byte at a time, each byte inside the dispatcher's per-chunk body timeout.
// Since W1-deadlines both go through withUpstreamDeadline, and the exchange also ends with
// its caller's signal (a cancelled tool call): against the same server holding the request.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { isConnectorError } from '../../../src/connectors/connector-error.js';
import { p6Exchange } from '../../../src/connectors/p6/client/p6-exchange.js';
import { p6Login } from '../../../src/connectors/p6/session/p6-login.js';
import { startRawUpstream, trickle, type RawUpstream } from '../../support/raw-upstream.js';
import { until } from '../../support/wait.js';

const HANG = { timeout: 20_000 };
let upstream: RawUpstream;
/** The requests to /hold/ the server holds, by path, each with its connection's close. */
const held = new Map<string, Promise<void>>();
before(async () => {
  upstream = await startRawUpstream((req, res: ServerResponse) => {
    if (req.url?.startsWith('/hold/')) return void held.set(req.url, new Promise((resolve) => res.once('close', () => resolve())));
    trickle(res.writeHead(200, { 'content-type': 'application/json' }), '[');
  });
});
after(() => upstream.close());

// The cause is the deadline's own TimeoutError (for a developer's stack), as before the helper.
const timedOut = (e: unknown) =>
  isConnectorError(e) && e.code === 'CONN_TIMEOUT' && /^P6 at https:\/\/127\.0\.0\.1:\d+ did not answer within 300 ms; check that P6 Web Services is up, then try again$/.test(e.message) &&
  e.cause instanceof Error && e.cause.name === 'TimeoutError';

describe('P6 requests end at their deadline while the answer trickles', () => {
  it('p6Login', HANG, async () => {
    await assert.rejects(p6Login({ baseUrl: `${upstream.origin}/p6ws/restapi`, database: 'PMDB', username: 'admin', password: 'pw-4d2a', variant: 'headers', dispatcher: upstream.dispatcher, timeoutMs: 300 }), timedOut);
  });

  it('p6Exchange', HANG, async () => {
    await assert.rejects(p6Exchange({ url: new URL(`${upstream.origin}/p6ws/restapi/project`), method: 'GET', headers: {}, dispatcher: upstream.dispatcher, timeoutMs: 300, maxBodyBytes: 1024 * 1024 }), timedOut);
  });
});

describe("p6Exchange ends with its caller's signal", () => {
  const exchange = (path: string, signal: AbortSignal) =>
    p6Exchange({ url: new URL(`${upstream.origin}${path}`), method: 'GET', headers: {}, dispatcher: upstream.dispatcher, timeoutMs: 600_000, maxBodyBytes: 1024 * 1024, signal });

  it('an abort while P6 holds the request is an AbortError (not CONN_TIMEOUT), and its connection closes', HANG, async () => {
    const abort = new AbortController();
    const request = exchange('/hold/p6ws/restapi/project', abort.signal);
    await until('P6 holds the read', () => held.has('/hold/p6ws/restapi/project'));
    abort.abort();
    await assert.rejects(request, (e: unknown) => (e as Error).name === 'AbortError' && !isConnectorError(e));
    await held.get('/hold/p6ws/restapi/project');
  });

  it('an abort while the answer trickles in ends the read of its body too', HANG, async () => {
    const abort = new AbortController();
    const request = exchange('/p6ws/restapi/activity', abort.signal);
    await until('the answer trickles', () => upstream.received.includes('GET /p6ws/restapi/activity'));
    abort.abort();
    await assert.rejects(request, (e: unknown) => (e as Error).name === 'AbortError' && !isConnectorError(e));
  });
});
