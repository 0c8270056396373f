import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { isConnectorError } from '../../../src/connectors/connector-error.js';
import { createUpstreamDispatcher } from '../../../src/connectors/tls/index.js';
import { createTestPki, type TestPki } from '../../support/openssl-pki.js';

describe('createUpstreamConnector() pin check', () => {
  let pki: TestPki;
  let server: tls.Server;
  let port: number;
  /** TCP connections, resolved when each closes. */
  const closed: Promise<void>[] = [];
  /** Application bytes the server decrypted, over all connections. */
  let applicationBytes = 0;

  before(async () => {
    pki = createTestPki();
    const leaf = pki.issue('IP:127.0.0.1');
    // A raw TLS server, not HTTPS: it records every application byte the client sends.
    // TLS records arrive in order, so request bytes could only follow a completed handshake
    // and would show up as 'data' before the TCP connection closes.
    server = tls.createServer({ key: leaf.key, cert: leaf.cert }, (socket) => {
      socket.on('data', (chunk: Buffer) => (applicationBytes += chunk.length));
      socket.on('error', () => {});
    });
    server.on('connection', (raw: net.Socket) => closed.push(new Promise((resolve) => raw.on('close', () => resolve()))));
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    pki?.remove();
  });

  it('closes a mismatching connection before a single request byte is written', async () => {
    const otherLeaf = pki.issue('IP:127.0.0.1');
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: new X509Certificate(otherLeaf.cert).fingerprint256 });
    try {
      await assert.rejects(
        request(`https://127.0.0.1:${port}/sdk`, {
          dispatcher,
          method: 'POST',
          headers: { cookie: 'vmware_soap_session=secret-cookie' },
          body: '<password>secret</password>',
        }),
        (error: unknown) => isConnectorError(error) && error.code === 'CONN_TLS_FINGERPRINT',
      );
    } finally {
      await dispatcher.close();
    }
    assert.ok(closed.length >= 1, 'the client connected');
    await Promise.all(closed);
    assert.equal(applicationBytes, 0);
  });
});
