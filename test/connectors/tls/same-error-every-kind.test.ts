import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Agent, type Dispatcher } from 'undici';
import { isConnectorError, type ConnectorErrorCode } from '../../../src/connectors/connector-error.js';
import { P6Client } from '../../../src/connectors/p6/index.js';
import { p6Login } from '../../../src/connectors/p6/session/index.js';
import { createUpstreamDispatcher } from '../../../src/connectors/tls/index.js';
import { VsphereClient } from '../../../src/connectors/vsphere/index.js';
import { vapiLogin, vsphereLogin } from '../../../src/connectors/vsphere/session/index.js';
import { createTestPki, type KeyPair, type TestPki } from '../../support/openssl-pki.js';

// Issue 13: one TLS and network error mapping for every connector. The same bad certificate
// must give the same code, and the same one-line message, whether P6 or vSphere meets it;
// before, P6 had its own table without five TLS codes and called some of them unreachable.

const PASSWORD = 'parity-Secret-pw';

/** Every way a connector opens a connection, each over the dispatcher it is given. */
const CALLERS: Record<string, (origin: string, dispatcher: Dispatcher) => Promise<unknown>> = {
  'P6 login (p6Send)': (origin, dispatcher) =>
    p6Login({ baseUrl: `${origin}/p6ws/restapi`, database: 'PMDB', username: 'admin', password: PASSWORD, variant: 'headers', dispatcher }),
  'P6 client read (p6Exchange)': (origin, dispatcher) =>
    new P6Client({ baseUrl: `${origin}/p6ws/restapi`, dispatcher, session: { token: () => Promise.resolve('JSESSIONID=x'), renew: () => Promise.resolve('JSESSIONID=y') } })
      .read('project', { fields: ['ObjectId'] }),
  'vSphere login (soapCall)': (origin, dispatcher) => vsphereLogin({ url: `${origin}/sdk`, username: 'admin', password: PASSWORD, dispatcher }),
  'vSphere vAPI login': (origin, dispatcher) => vapiLogin({ url: `${origin}/sdk`, username: 'admin', password: PASSWORD, dispatcher }),
  'vSphere client call (VsphereClient)': (origin, dispatcher) =>
    new VsphereClient({ url: `${origin}/sdk`, dispatcher, session: { token: () => Promise.resolve('cookie'), renew: () => Promise.resolve('cookie2') } }).serviceContent(),
};

/** The trust a case asks for: no pin and no CA means the system roots. */
interface Trust {
  readonly ca?: string;
  readonly fingerprintSha256?: string;
}

/**
 * The two dispatchers a connector meets. The upstream dispatcher maps TLS failures inside
 * its connect step; a plain undici Agent (what p6Send uses when given none) hands the raw
 * Node error to the connector, so only there does each connector's own mapping show.
 */
const DISPATCHERS: Record<string, (trust: Trust) => Dispatcher | undefined> = {
  'upstream dispatcher': (trust) => createUpstreamDispatcher(trust),
  'plain undici Agent': (trust) => (trust.fingerprintSha256 ? undefined : new Agent({ connect: { ca: trust.ca, rejectUnauthorized: true } })),
};

/**
 * An HTTPS server with `pair`. It counts requests, which no certificate case may let
 * through; with `hangUp` it takes the request and closes the connection without an answer.
 */
async function serve(pair: KeyPair, hangUp = false): Promise<{ origin: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = https.createServer({ key: pair.key, cert: pair.cert }, (req, res) => {
    requests++;
    if (hangUp) req.socket.destroy();
    else res.end();
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The error `call` rejects with; fails the test when it resolves. */
async function failureOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  assert.fail('the call succeeded where it must fail');
}

interface Case {
  readonly name: string;
  readonly pair: KeyPair;
  readonly trust: Trust;
  readonly code: ConnectorErrorCode;
  readonly says: RegExp;
  readonly hangUp?: boolean;
}

describe('the same bad certificate, the same error for every kind (issue 13)', () => {
  let pki: TestPki;
  let cases: Case[];

  before(() => {
    pki = createTestPki();
    const good = pki.issue('IP:127.0.0.1');
    const other = pki.issue('IP:127.0.0.1');
    const ca = pki.ca.cert;
    cases = [
      { name: 'a self-signed certificate', pair: pki.selfSigned('IP:127.0.0.1'), trust: {}, code: 'CONN_TLS_UNTRUSTED', says: /DEPTH_ZERO_SELF_SIGNED_CERT/ },
      { name: 'a certificate from a CA nobody gave', pair: good, trust: {}, code: 'CONN_TLS_UNTRUSTED', says: /UNABLE_TO_VERIFY_LEAF_SIGNATURE/ },
      { name: 'an expired certificate from the trusted CA', pair: pki.issue('IP:127.0.0.1', { expired: true }), trust: { ca }, code: 'CONN_TLS_UNTRUSTED', says: /has expired/ },
      // One of the five codes P6's own table lacked: it called this CONN_UNREACHABLE.
      { name: 'a client certificate served as a server one', pair: pki.issue('IP:127.0.0.1', { extendedKeyUsage: 'clientAuth' }), trust: { ca }, code: 'CONN_TLS_UNTRUSTED', says: /INVALID_PURPOSE/ },
      { name: 'a certificate for another host name', pair: pki.issue('DNS:elsewhere.example'), trust: { ca }, code: 'CONN_TLS_UNTRUSTED', says: /not issued for that host name/ },
      { name: 'a certificate other than the pinned one', pair: good, trust: { fingerprintSha256: new X509Certificate(other.cert).fingerprint256 }, code: 'CONN_TLS_FINGERPRINT', says: /fingerprint/i },
      { name: 'a trusted server that hangs up on the request', pair: good, trust: { ca }, code: 'CONN_UNREACHABLE', says: /closed/, hangUp: true },
    ];
  });
  after(() => pki?.remove());

  for (const flavour of Object.keys(DISPATCHERS)) {
    it(`through the ${flavour}, every connector gives each failure one code and one message`, async () => {
      for (const c of cases) {
        const server = await serve(c.pair, c.hangUp);
        try {
          const seen = new Map<string, { code: unknown; message: string }>();
          for (const [caller, call] of Object.entries(CALLERS)) {
            const dispatcher = DISPATCHERS[flavour]!(c.trust);
            if (!dispatcher) continue; // a pin needs the upstream dispatcher
            let error: unknown;
            try {
              error = await failureOf(call(server.origin, dispatcher));
            } finally {
              await dispatcher.close();
            }
            assert.ok(isConnectorError(error), `${c.name}, ${caller}: expected a ConnectorError, got ${String(error)}`);
            assert.equal(error.code, c.code, `${c.name}, ${caller}: ${error.message}`);
            assert.match(error.message, c.says, `${c.name}, ${caller}`);
            assert.ok(!error.message.includes(PASSWORD), `${c.name}, ${caller}: the message quotes the password`);
            seen.set(caller, { code: error.code, message: error.message });
          }
          const [first, ...rest] = [...seen.values()];
          for (const s of rest) assert.deepEqual(s, first, `${c.name}: every connector says the same`);
          if (!c.hangUp) assert.equal(server.requests(), 0, `${c.name}: a request went through`);
        } finally {
          await server.close();
        }
      }
    });
  }
});
