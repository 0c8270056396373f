// Details of the upstream TLS path that mutation testing showed unguarded (docs/TESTING.md):
// no TLS session resumption with a pin, each timeout option really applied, the exact
// fingerprint-mismatch and plain-http lines, and peerFingerprint on a certificate-less socket.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { isConnectorError } from '../../../src/connectors/connector-error.js';
import { certificateFingerprint, peerFingerprint } from '../../../src/connectors/tls/certificate-fingerprint.js';
import { createUpstreamDispatcher, mapUpstreamError, type UpstreamDispatcherOptions } from '../../../src/connectors/tls/index.js';
import { createTestPki, type KeyPair, type TestPki } from '../../support/openssl-pki.js';

/** A raw HTTPS/1.1 responder that closes every connection and records TLS session reuse. */
async function closingServer(pair: KeyPair, opts: { handshakeDelayMs?: number; bodyDelayMs?: number } = {}) {
  const reused: boolean[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => { const t = setTimeout(() => (timers.delete(t), fn()), ms); timers.add(t); };
  const secure = tls.createServer({ key: pair.key, cert: pair.cert }, (socket) => {
    reused.push(socket.isSessionReused());
    socket.on('error', () => {});
    socket.once('data', () => {
      if (opts.bodyDelayMs === undefined) {
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
        return;
      }
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n');
      later(opts.bodyDelayMs, () => socket.end('ok'));
    });
  });
  secure.on('tlsClientError', () => {});
  const sockets = new Set<net.Socket>();
  const front = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    if (opts.handshakeDelayMs === undefined) secure.emit('connection', raw);
    else later(opts.handshakeDelayMs, () => secure.emit('connection', raw));
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(front.address() as net.AddressInfo).port}/`,
    reused,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => front.close(resolve));
    },
  };
}

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

describe('upstream TLS details', () => {
  let pki: TestPki;
  let leaf: KeyPair;
  let pin: string;
  before(() => {
    pki = createTestPki();
    leaf = pki.issue('IP:127.0.0.1');
    pin = new X509Certificate(leaf.cert).fingerprint256;
  });
  after(() => pki?.remove());

  it('with a pin, every connection does a full handshake (no session resumption); without one, sessions are resumed', async () => {
    const server = await closingServer(leaf);
    const pinned = createUpstreamDispatcher({ fingerprintSha256: pin });
    const trusting = createUpstreamDispatcher({ ca: pki.ca.cert });
    try {
      for (let i = 0; i < 3; i++) assert.equal(await (await request(server.url, { dispatcher: pinned })).body.text(), 'ok');
      assert.deepEqual(server.reused, [false, false, false], 'a resumed session would skip the certificate the pin is checked against');
      server.reused.length = 0;
      for (let i = 0; i < 3; i++) assert.equal(await (await request(server.url, { dispatcher: trusting })).body.text(), 'ok');
      assert.equal(server.reused[0], false);
      assert.ok(server.reused.slice(1).some((r) => r), `resumption happens without a pin (${server.reused.join(',')}), so the check above can see it`);
    } finally {
      await pinned.close();
      await trusting.close();
      await server.close();
    }
  });

  it('applies connectTimeoutMs: a handshake slower than it fails as a timeout', async () => {
    const server = await closingServer(leaf, { handshakeDelayMs: 3000 });
    try {
      await assert.rejects(get(server.url, { ca: pki.ca.cert, connectTimeoutMs: 100 }), (e: unknown) => isConnectorError(e) && e.code === 'CONN_UNREACHABLE' && /connection timed out/.test(e.message));
    } finally {
      await server.close();
    }
  });

  it('applies bodyTimeoutMs: a body that stalls longer than it fails as CONN_TIMEOUT', async () => {
    const server = await closingServer(leaf, { bodyDelayMs: 3000 });
    try {
      await assert.rejects(get(server.url, { ca: pki.ca.cert, bodyTimeoutMs: 100 }), (e: unknown) => isConnectorError(e) && e.code === 'CONN_TIMEOUT');
    } finally {
      await server.close();
    }
  });

  it('explains a fingerprint mismatch in full: what was seen, what is pinned, what to do', async () => {
    const server = await closingServer(leaf);
    const other = new X509Certificate(pki.issue('IP:127.0.0.1').cert).fingerprint256;
    const target = new URL(server.url).host;
    try {
      await assert.rejects(get(server.url, { fingerprintSha256: other }), (e: unknown) => {
        assert.ok(isConnectorError(e) && e.code === 'CONN_TLS_FINGERPRINT', 'a server with another certificate is refused as CONN_TLS_FINGERPRINT');
        assert.equal(e.message, `server certificate SHA-256 of ${target} is ${pin} but the endpoint pins ${other}; ` +
          "this can be an attack, so confirm the new fingerprint with the server's administrator, " +
          `then run \`keybroker endpoint update NAME --fingerprint ${pin}\``);
        return true;
      });
    } finally {
      await server.close();
    }
  });

  it('refuses plain http naming the target, with the port or 443', async () => {
    for (const [url, target] of [['http://127.0.0.1:9/', '127.0.0.1:9'], ['http://127.0.0.1/', '127.0.0.1:443']]) {
      await assert.rejects(get(url!, {}), (e: unknown) => {
        assert.ok(isConnectorError(e) && e.code === 'CONN_INVALID_REQUEST', 'plain http is refused as CONN_INVALID_REQUEST');
        assert.equal(e.message, `refusing a plain-text connection to ${target}; use an https:// URL`);
        return true;
      });
    }
  });

  it('peerFingerprint: undefined for a socket that presented no certificate, the DER hash otherwise', () => {
    const sock = (cert: unknown) => ({ getPeerCertificate: () => cert }) as unknown as tls.TLSSocket;
    assert.equal(peerFingerprint(sock({})), undefined);
    assert.equal(peerFingerprint(sock({ raw: Buffer.alloc(0) })), undefined);
    assert.equal(peerFingerprint(sock(undefined)), undefined);
    const der = new X509Certificate(leaf.cert).raw;
    assert.equal(peerFingerprint(sock({ raw: der })), pin);
    assert.equal(certificateFingerprint(der), pin);
  });
});
