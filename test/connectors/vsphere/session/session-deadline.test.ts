// Every vSphere session request (SOAP login and logout, vAPI login and logout) has one total
// deadline, answer headers and body together, against a real local HTTPS server that holds
// the socket: one that never answers, and one that trickles its answer a byte at a time, each
// byte well inside the dispatcher's per-chunk body timeout, so only a total deadline ends it.
// The tests wait for the error; without the deadline they hang to their own test timeout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { inspect } from 'node:util';
import { isConnectorError } from '../../../../src/connectors/connector-error.js';
import { vapiLogin, vapiLogout, vsphereLogin, vsphereLogout } from '../../../../src/connectors/vsphere/session/index.js';
import type { ServiceContent } from '../../../../src/connectors/vsphere/soap/retrieve-service-content.js';
import { startRawUpstream, trickle, type RawUpstream } from '../../../support/raw-upstream.js';

const PASSWORD = 'deadline-test-pw-5e1c';
const TIMEOUT_MS = 300;
// Far below the dispatcher's 60 s headers and body timeouts: a test that hangs failed.
const HANG = { timeout: 20_000 };

/** A ServiceContent as vsphereLogin would read it, so a test can start at the Login itself. */
const serviceContent: ServiceContent = {
  sessionManager: { type: 'SessionManager', value: 'SessionManager' },
  propertyCollector: { type: 'PropertyCollector', value: 'propertyCollector' },
  apiVersion: '8.0.2.0',
  about: { name: 'VMware vCenter Server', fullName: 'fake', apiType: 'VirtualCenter', apiVersion: '8.0.2.0', version: '8.0.2', build: '1', instanceUuid: undefined },
};

const timedOut = (what: RegExp) => (e: unknown) => {
  assert.ok(isConnectorError(e), inspect(e));
  assert.equal(e.code, 'CONN_TIMEOUT');
  assert.match(e.message, what);
  assert.ok(!inspect(e, { depth: 10, showHidden: true }).includes(PASSWORD), 'no password in the error');
  return true;
};

let upstream: RawUpstream;
before(async () => {
  upstream = await startRawUpstream((req, res) => {
    // vAPI is always at /rest of the origin: its behaviour is picked by the user name (login) or session (logout).
    const who = req.headers['authorization'] ? Buffer.from(req.headers['authorization'].slice('Basic '.length), 'base64').toString().split(':')[0] : req.headers['vmware-api-session-id'];
    const path = req.url?.startsWith('/rest/') ? `/${String(who)}${req.url}` : (req.url ?? '');
    // Never answered: the socket stays open until the client gives up.
    if (path.startsWith('/stall')) return;
    if (path.startsWith('/trickle/rest/')) return trickle(res.writeHead(200, { 'content-type': 'application/json' }), '{"value":"');
    if (path.startsWith('/trickle/sdk')) return trickle(res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }), '<?xml version="1.0" encoding="UTF-8"?>\n');
    // Half a gzip answer, then nothing: the connection stays, the rest never comes.
    if (path.startsWith('/gzip-stall/sdk')) {
      const whole = gzipSync(`<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">${' '.repeat(4096)}`);
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-encoding': 'gzip' });
      res.write(whole.subarray(0, whole.length - 8));
      return;
    }
    res.writeHead(500).end();
  });
});
after(() => upstream.close());

const at = (prefix: string) => `${upstream.origin}${prefix}/sdk`;

describe('session requests end at one total deadline', () => {
  it('vapiLogin: a vCenter that never answers the login gives CONN_TIMEOUT naming the service and the limit', HANG, async () => {
    await assert.rejects(
      vapiLogin({ url: upstream.url, username: 'stall', password: PASSWORD, dispatcher: upstream.dispatcher, timeoutMs: TIMEOUT_MS }),
      timedOut(/^the vAPI service at https:\/\/127\.0\.0\.1:\d+ did not answer the session login within 300 ms; check that vCenter is healthy, then retry$/),
    );
  });

  it('vapiLogin: an answer trickled slower than the deadline gives CONN_TIMEOUT, not a wait as long as the server likes', HANG, async () => {
    await assert.rejects(
      vapiLogin({ url: upstream.url, username: 'trickle', password: PASSWORD, dispatcher: upstream.dispatcher, timeoutMs: TIMEOUT_MS }),
      timedOut(/did not answer the session login within 300 ms/),
    );
  });

  it("vapiLogin: the caller's own abort stays an abort, not a timeout", HANG, async () => {
    const abort = new AbortController();
    const login = vapiLogin({ url: upstream.url, username: 'stall', password: PASSWORD, dispatcher: upstream.dispatcher, signal: abort.signal, timeoutMs: 600_000 });
    abort.abort();
    await assert.rejects(login, (e: unknown) => (e as Error).name === 'AbortError');
  });

  it('vapiLogout: a vCenter that never answers gives CONN_TIMEOUT, so the dispatcher can close', HANG, async () => {
    await assert.rejects(
      vapiLogout({ url: upstream.url, session: 'stall', dispatcher: upstream.dispatcher, timeoutMs: TIMEOUT_MS }),
      timedOut(/^the vAPI service at https:\/\/127\.0\.0\.1:\d+ did not answer the session logout within 300 ms; the session ends by itself when it idles out$/),
    );
  });

  it('vsphereLogin: a vCenter that never answers RetrieveServiceContent gives CONN_TIMEOUT for the login', HANG, async () => {
    await assert.rejects(
      vsphereLogin({ url: at('/stall'), username: 'admin', password: PASSWORD, dispatcher: upstream.dispatcher, timeoutMs: TIMEOUT_MS }),
      timedOut(/^vCenter at https:\/\/127\.0\.0\.1:\d+ did not answer the login within 300 ms; check that it is healthy, then retry$/),
    );
  });

  it('vsphereLogin: a Login answer trickled slower than the deadline gives CONN_TIMEOUT, sent once', HANG, async () => {
    const before = upstream.received.filter((r) => r === 'POST /trickle/sdk').length;
    await assert.rejects(
      vsphereLogin({ url: `${upstream.origin}/trickle/sdk`, username: 'admin', password: PASSWORD, dispatcher: upstream.dispatcher, serviceContent, timeoutMs: TIMEOUT_MS }),
      timedOut(/did not answer the login within 300 ms/),
    );
    assert.equal(upstream.received.filter((r) => r === 'POST /trickle/sdk').length - before, 1, 'a login is never retried');
  });

  it('vsphereLogin: a gzip answer that stops half way gives CONN_TIMEOUT (the decompressor ends with the body)', HANG, async () => {
    await assert.rejects(
      vsphereLogin({ url: at('/gzip-stall'), username: 'admin', password: PASSWORD, dispatcher: upstream.dispatcher, timeoutMs: TIMEOUT_MS }),
      timedOut(/did not answer the login within 300 ms/),
    );
  });

  it('vsphereLogout: a vCenter that never answers gives CONN_TIMEOUT', HANG, async () => {
    await assert.rejects(
      vsphereLogout({ url: at('/stall'), cookie: '"session"', dispatcher: upstream.dispatcher, serviceContent, timeoutMs: TIMEOUT_MS }),
      timedOut(/^vCenter at https:\/\/127\.0\.0\.1:\d+ did not answer the logout within 300 ms; the session ends by itself when it idles out$/),
    );
  });
});
