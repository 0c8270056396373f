import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError } from '../../../../src/connectors/connector-error.js';
import { p6Login } from '../../../../src/connectors/p6/session/p6-login.js';
import { p6Logout } from '../../../../src/connectors/p6/session/p6-logout.js';
import { fakeHttp } from '../../../fixtures/p6/fake-http.js';
import { startP6Fake, type P6Fake } from '../../../fixtures/p6/start-p6-fake.js';

describe('p6Logout()', () => {
  let fake: P6Fake;
  const login = () => p6Login({ baseUrl: fake.url, database: 'PMDB', username: 'admin', password: 'pw', variant: 'headers' });

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'admin', password: 'pw' }], sessionTtlMs: 60_000 });
  });
  after(() => fake.stop());

  it('ends the session: the cookie no longer authenticates and a second logout reports not_logged_in', async () => {
    const { cookieHeader } = await login();
    assert.equal(await p6Logout({ baseUrl: fake.url, cookieHeader }), 'logged_out');
    assert.equal((await fakeHttp(`${fake.url}/project?Fields=Id`, { headers: { cookie: cookieHeader } })).status, 401);
    assert.equal(await p6Logout({ baseUrl: fake.url, cookieHeader }), 'not_logged_in');
  });

  it('treats an idled-out session as not_logged_in, not as an error', async () => {
    const { cookieHeader } = await login();
    fake.advance(60_001);
    assert.equal(await p6Logout({ baseUrl: fake.url, cookieHeader }), 'not_logged_in');
  });

  it('refuses an empty or header-injecting cookie without echoing it or sending anything', async () => {
    fake.resetCounts();
    for (const cookieHeader of ['', 'JSESSIONID=abc\r\nX-Evil: 1']) {
      await assert.rejects(p6Logout({ baseUrl: fake.url, cookieHeader }), (e: unknown) =>
        e instanceof ConnectorError && e.code === 'CONN_INVALID_REQUEST' && !e.message.includes('abc'));
    }
    assert.deepEqual(fake.counts(), {});
  });

  it('reports the /p6 web UI as CONN_BAD_RESPONSE', async () => {
    await assert.rejects(p6Logout({ baseUrl: `${fake.origin}/p6/restapi`, cookieHeader: 'JSESSIONID=x' }), { code: 'CONN_BAD_RESPONSE' });
  });
});
