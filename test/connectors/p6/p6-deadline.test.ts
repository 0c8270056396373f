// P6's requests already had one total deadline (AbortSignal.timeout over headers and body,
// D139 checked them): proved here against a real local HTTPS server that trickles
// its answer a byte at a time, each byte inside the dispatcher's per-chunk body timeout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isConnectorError } from '../../../src/connectors/connector-error.js';
import { p6Exchange } from '../../../src/connectors/p6/client/p6-exchange.js';
import { p6Login } from '../../../src/connectors/p6/session/p6-login.js';
import { startRawUpstream, trickle, type RawUpstream } from '../../support/raw-upstream.js';

const HANG = { timeout: 20_000 };
let upstream: RawUpstream;
before(async () => {
  upstream = await startRawUpstream((_req, res) => trickle(res.writeHead(200, { 'content-type': 'application/json' }), '['));
});
after(() => upstream.close());

const timedOut = (e: unknown) => isConnectorError(e) && e.code === 'CONN_TIMEOUT' && /^P6 at https:\/\/127\.0\.0\.1:\d+ did not answer within 300 ms; check that P6 Web Services is up, then try again$/.test(e.message);

describe('P6 requests end at their deadline while the answer trickles', () => {
  it('p6Login', HANG, async () => {
    await assert.rejects(p6Login({ baseUrl: `${upstream.origin}/p6ws/restapi`, database: 'PMDB', username: 'admin', password: 'pw-4d2a', variant: 'headers', dispatcher: upstream.dispatcher, timeoutMs: 300 }), timedOut);
  });

  it('p6Exchange', HANG, async () => {
    await assert.rejects(p6Exchange({ url: new URL(`${upstream.origin}/p6ws/restapi/project`), method: 'GET', headers: {}, dispatcher: upstream.dispatcher, timeoutMs: 300, maxBodyBytes: 1024 * 1024 }), timedOut);
  });
});
