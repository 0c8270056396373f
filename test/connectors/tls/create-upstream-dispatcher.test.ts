import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { isConnectorError, type ConnectorErrorCode } from '../../../src/connectors/connector-error.js';
import { createUpstreamDispatcher, mapUpstreamError, type UpstreamDispatcherOptions } from '../../../src/connectors/tls/index.js';
import { createTestPki, type KeyPair, type TestPki } from '../../support/openssl-pki.js';

interface TestServer {
  readonly url: string;
  /** TLS connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

async function serveHttps(pair: KeyPair, respond = true): Promise<TestServer> {
  const server = https.createServer({ key: pair.key, cert: pair.cert }, (_req, res) => {
    if (respond) res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: TestServer = {
    url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}/`,
    connections: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  server.on('secureConnection', () => state.connections++);
  return state;
}

/** GET `url` through a fresh dispatcher; returns the body, or the error mapped as soapCall maps it. */
async function get(url: string, options: UpstreamDispatcherOptions): Promise<string> {
  const dispatcher = createUpstreamDispatcher(options);
  try {
    const res = await request(url, { dispatcher });
    return await res.body.text();
  } catch (error) {
    throw mapUpstreamError(error, new URL(url).host);
  } finally {
    await dispatcher.close();
  }
}

function isCode(code: ConnectorErrorCode, messagePart?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(isConnectorError(error), `expected a ConnectorError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (messagePart) assert.match(error.message, messagePart);
    assert.doesNotMatch(error.message, /\n/, 'messages are one line');
    return true;
  };
}

describe('createUpstreamDispatcher()', () => {
  let pki: TestPki;
  let otherCa: TestPki;
  let good: TestServer; // leaf for IP:127.0.0.1, signed by pki
  let wrongName: TestServer; // leaf for DNS:wrong.example only, signed by pki
  let goodLeaf: KeyPair;
  let wrongNameLeaf: KeyPair;

  before(async () => {
    pki = createTestPki();
    otherCa = createTestPki();
    goodLeaf = pki.issue('IP:127.0.0.1');
    wrongNameLeaf = pki.issue('DNS:wrong.example');
    good = await serveHttps(goodLeaf);
    wrongName = await serveHttps(wrongNameLeaf);
  });
  after(async () => {
    await good?.close();
    await wrongName?.close();
    pki?.remove();
    otherCa?.remove();
  });

  describe('with a custom CA', () => {
    it('trusts a server whose certificate chains to the CA and names the host', async () => {
      assert.equal(await get(good.url, { ca: pki.ca.cert }), 'ok');
    });

    it('rejects a certificate issued for another host name with CONN_TLS_UNTRUSTED', async () => {
      await assert.rejects(get(wrongName.url, { ca: pki.ca.cert }), isCode('CONN_TLS_UNTRUSTED', /host name/));
    });

    it('rejects a certificate from a different CA with CONN_TLS_UNTRUSTED', async () => {
      await assert.rejects(get(good.url, { ca: otherCa.ca.cert }), isCode('CONN_TLS_UNTRUSTED', /--ca FILE/));
    });

    it('requires the pin too when both a CA and a pin are given', async () => {
      const wrongNamePin = new X509Certificate(wrongNameLeaf.cert).fingerprint256;
      await assert.rejects(get(wrongName.url, { ca: pki.ca.cert, fingerprintSha256: wrongNamePin }), isCode('CONN_TLS_UNTRUSTED'));
      const goodPin = new X509Certificate(goodLeaf.cert).fingerprint256;
      assert.equal(await get(good.url, { ca: pki.ca.cert, fingerprintSha256: goodPin }), 'ok');
    });

    it('enforces the pin when a CA is also given: a chain-valid leaf with another fingerprint is refused', async () => {
      // Planted bug this catches: the pin checked only when there is no CA.
      const otherPin = new X509Certificate(wrongNameLeaf.cert).fingerprint256;
      await assert.rejects(get(good.url, { ca: pki.ca.cert, fingerprintSha256: otherPin }), isCode('CONN_TLS_FINGERPRINT'));
    });
  });

  describe('without CA or pin', () => {
    it('rejects a certificate the system roots do not know, even with NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
      const saved = process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
      process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
      try {
        await assert.rejects(get(good.url, {}), isCode('CONN_TLS_UNTRUSTED'));
      } finally {
        if (saved === undefined) delete process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
        else process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = saved;
      }
    });
  });

  describe('with a pinned fingerprint', () => {
    it('accepts a leaf that matches the pin in any notation, with no CA and a non-matching name', async () => {
      const pin = new X509Certificate(wrongNameLeaf.cert).fingerprint256;
      assert.equal(await get(wrongName.url, { fingerprintSha256: pin.replace(/:/g, '').toLowerCase() }), 'ok');
    });

    it('rejects any other leaf with CONN_TLS_FINGERPRINT naming the seen and the pinned value', async () => {
      const seen = new X509Certificate(goodLeaf.cert).fingerprint256;
      const pinned = new X509Certificate(wrongNameLeaf.cert).fingerprint256;
      await assert.rejects(get(good.url, { fingerprintSha256: pinned }), (error: unknown) => {
        isCode('CONN_TLS_FINGERPRINT')(error);
        const message = (error as Error).message;
        assert.ok(message.includes(`is ${seen}`) && message.includes(`pins ${pinned}`), message);
        assert.ok(message.includes(`--fingerprint ${seen}`), message);
        return true;
      });
    });
  });

  it('sends sequential requests on one kept-alive connection, the next one right after the answer', async () => {
    // Planted bug this catches: the Agent without afterIdleTurn opens a second connection for
    // the request sent as soon as the first answer ended (a login's Login after its
    // RetrieveServiceContent), since undici frees a connection one event-loop turn later.
    const dispatcher = createUpstreamDispatcher({ ca: pki.ca.cert });
    const server = await serveHttps(goodLeaf);
    try {
      for (let i = 0; i < 5; i++) assert.equal(await (await request(server.url, { dispatcher })).body.text(), 'ok');
      assert.equal(server.connections, 1);
    } finally {
      await dispatcher.close();
      await server.close();
    }
  });

  it('gives concurrent requests their own connections, as a tool call beside a long poll needs', async () => {
    const dispatcher = createUpstreamDispatcher({ ca: pki.ca.cert });
    const server = await serveHttps(goodLeaf);
    try {
      const answers = await Promise.all([1, 2, 3].map(async () => (await request(server.url, { dispatcher })).body.text()));
      assert.deepEqual(answers, ['ok', 'ok', 'ok']);
      assert.equal(server.connections, 3);
    } finally {
      await dispatcher.close();
      await server.close();
    }
  });

  it('rejects a request on a closed dispatcher instead of throwing into the event loop', async () => {
    const dispatcher = createUpstreamDispatcher({ ca: pki.ca.cert });
    await dispatcher.close();
    await assert.rejects(request(good.url, { dispatcher }), /client is (closed|destroyed)/i);
  });

  it('maps a server that accepts but never answers to CONN_TIMEOUT', async () => {
    const silent = await serveHttps(goodLeaf, false);
    try {
      await assert.rejects(get(silent.url, { ca: pki.ca.cert, headersTimeoutMs: 200 }), isCode('CONN_TIMEOUT'));
    } finally {
      await silent.close();
    }
  });

  it('maps a closed port to CONN_UNREACHABLE', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    await assert.rejects(get(`https://127.0.0.1:${port}/`, { ca: pki.ca.cert }), isCode('CONN_UNREACHABLE', /connection refused/));
  });

  it('refuses plain http with CONN_INVALID_REQUEST', async () => {
    await assert.rejects(get('http://127.0.0.1:9/', {}), isCode('CONN_INVALID_REQUEST', /https:\/\//));
  });

  it('refuses a malformed fingerprint or CA before any connection', () => {
    assert.throws(() => createUpstreamDispatcher({ fingerprintSha256: 'AB:CD' }), isCode('CONN_INVALID_REQUEST', /64 hex digits/));
    assert.throws(() => createUpstreamDispatcher({ ca: 'not a certificate' }), isCode('CONN_INVALID_REQUEST', /PEM/));
  });
});
