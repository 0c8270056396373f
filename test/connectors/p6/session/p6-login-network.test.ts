import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Agent } from 'undici';
import { ConnectorError } from '../../../../src/connectors/connector-error.js';
import { p6Login } from '../../../../src/connectors/p6/session/p6-login.js';
import { startP6Fake } from '../../../fixtures/p6/start-p6-fake.js';

const USER = { username: 'admin', password: 'pw-secret' };
const isCode = (code: string) => (e: unknown) => e instanceof ConnectorError && e.code === code && !e.message.includes(USER.password);

/** A port nobody listens on: bind, note it, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('p6Login() transport', () => {
  it('reports a refused connection as CONN_UNREACHABLE', async () => {
    const port = await closedPort();
    await assert.rejects(
      p6Login({ baseUrl: `http://127.0.0.1:${port}/p6ws/restapi`, database: 'PMDB', ...USER, variant: 'headers' }),
      (e: unknown) => isCode('CONN_UNREACHABLE')(e) && /cannot reach 127\.0\.0\.1:\d+: connection refused/.test((e as Error).message),
    );
  });

  it('gives up after timeoutMs with CONN_TIMEOUT and does not retry', async () => {
    const fake = await startP6Fake({ users: [USER], slowMs: 10 * 60 * 1000 });
    try {
      await assert.rejects(p6Login({ baseUrl: fake.url, database: 'PMDB', ...USER, variant: 'headers', timeoutMs: 150 }), isCode('CONN_TIMEOUT'));
      assert.deepEqual(fake.counts(), { 'POST /p6ws/restapi/login': 1 });
    } finally {
      await fake.stop();
    }
  });

  it('logs in over TLS through a dispatcher that trusts the fake CA', async () => {
    const fake = await startP6Fake({ users: [USER], tls: true });
    const dispatcher = new Agent({ connect: { ca: fake.caPem } });
    try {
      const session = await p6Login({ baseUrl: fake.url, database: 'PMDB', ...USER, variant: 'both', dispatcher });
      assert.equal(session.cookies.length, 2);
    } finally {
      await dispatcher.close();
      await fake.stop();
    }
  });

  it('refuses an untrusted certificate with the default dispatcher (CONN_TLS_UNTRUSTED), sending no credentials', async () => {
    const fake = await startP6Fake({ users: [USER], tls: true });
    try {
      await assert.rejects(
        p6Login({ baseUrl: fake.url, database: 'PMDB', ...USER, variant: 'headers' }),
        (e: unknown) => isCode('CONN_TLS_UNTRUSTED')(e) && /fingerprint/.test((e as Error).message),
      );
      assert.deepEqual(fake.counts(), {});
      assert.equal(fake.loginAttempts('admin'), 0);
    } finally {
      await fake.stop();
    }
  });
});
