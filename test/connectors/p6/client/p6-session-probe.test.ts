import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { p6Login } from '../../../../src/connectors/p6/session/p6-login.js';
import { p6SessionProbe } from '../../../../src/connectors/p6/client/p6-session-probe.js';
import { startP6Fake, type P6Fake } from '../../../fixtures/p6/start-p6-fake.js';

describe('p6SessionProbe()', () => {
  let fake: P6Fake;
  const TTL = 10 * 60 * 1000;
  const login = () => p6Login({ baseUrl: fake.url, database: 'PMDB', username: 'admin', password: 'pw', variant: 'authToken' });

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'admin', password: 'pw' }], sessionTtlMs: TTL });
  });
  after(() => fake.stop());

  it('is true for a live session, with one read that matches no rows', async () => {
    const { cookieHeader } = await login();
    fake.resetCounts();
    assert.equal(await p6SessionProbe({ baseUrl: fake.url, cookieHeader }), true);
    assert.deepEqual(fake.counts(), { 'GET /p6ws/restapi/project': 1 });
  });

  it('is false once the session idled out or was revoked', async () => {
    const idle = await login();
    fake.advance(TTL + 1);
    assert.equal(await p6SessionProbe({ baseUrl: fake.url, cookieHeader: idle.cookieHeader }), false);
    const revoked = await login();
    fake.revokeSessions();
    assert.equal(await p6SessionProbe({ baseUrl: fake.url, cookieHeader: revoked.cookieHeader }), false);
  });

  it('is false when only part of the cookies is sent back', async () => {
    const { cookies } = await login();
    assert.equal(await p6SessionProbe({ baseUrl: fake.url, cookieHeader: cookies[0]! }), false);
  });

  it('throws CONN_BAD_RESPONSE against the /p6 web UI rather than answering false', async () => {
    await assert.rejects(p6SessionProbe({ baseUrl: `${fake.origin}/p6/restapi`, cookieHeader: 'JSESSIONID=x' }), { code: 'CONN_BAD_RESPONSE' });
  });
});
