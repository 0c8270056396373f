import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Agent, interceptors } from 'undici';
import type { P6LoginVariant } from '../../../../src/base/contracts/endpoint.js';
import { ConnectorError } from '../../../../src/connectors/connector-error.js';
import { p6Login, type P6LoginOptions } from '../../../../src/connectors/p6/session/p6-login.js';
import { fakeHttp } from '../../../fixtures/p6/fake-http.js';
import { startP6Fake, type P6Fake } from '../../../fixtures/p6/start-p6-fake.js';

const PASSWORD = 'Corr3ct-Horse!';
const LOGIN = 'POST /p6ws/restapi/login';

/** Assert a ConnectorError with `code` whose every printable trace is free of the password. */
function rejectsWith(code: string, message?: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof ConnectorError, `expected ConnectorError, got ${inspect(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    // Security: not in the message, the wire form, nor anywhere in the cause chain.
    assert.ok(!inspect(e, { depth: 10 }).includes(PASSWORD), 'the error and its cause chain never hold the password');
    assert.ok(!JSON.stringify(e.toWire()).includes(PASSWORD), 'the error\'s wire form never holds the password');
    return true;
  };
}

describe('p6Login()', () => {
  let fake: P6Fake;
  const opts = (over: Partial<P6LoginOptions> = {}): P6LoginOptions => ({
    baseUrl: fake.url, database: 'PMDB', username: 'admin', password: PASSWORD, variant: 'headers', ...over,
  });

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'admin', password: PASSWORD }], databases: ['PMDB'], lockAfterFailures: 3 });
  });
  after(() => fake.stop());
  beforeEach(() => {
    fake.unlock('admin');
    fake.resetCounts();
  });

  for (const variant of ['headers', 'authToken', 'both'] as const) {
    it(`logs in with variant ${variant} and returns every cookie, which then authenticates a read`, async () => {
      const session = await p6Login(opts({ variant }));
      assert.deepEqual(session.cookies.map((c) => c.split('=')[0]), ['JSESSIONID', 'X-Oracle-BMC-LBS-Route']);
      assert.equal(session.cookieHeader, session.cookies.join('; '));
      assert.ok(session.cookies.every((c) => !/Path|HttpOnly/i.test(c)), 'the session keeps each cookie\'s name=value only, without Path or HttpOnly');
      const read = await fakeHttp(`${fake.url}/project?Fields=Id`, { headers: { cookie: session.cookieHeader } });
      assert.equal(read.status, 200);
      assert.deepEqual(fake.counts(), { [LOGIN]: 1, 'GET /p6ws/restapi/project': 1 });
    });
  }

  it('sends exactly the headers of its variant (proved against installs that honour only one)', async () => {
    const cases: [P6LoginVariant, 'headers' | 'authToken', boolean][] = [
      ['headers', 'headers', true], ['headers', 'authToken', false],
      ['authToken', 'authToken', true], ['authToken', 'headers', false],
      ['both', 'headers', true], ['both', 'authToken', true],
    ];
    for (const [variant, honoured, works] of cases) {
      const strict = await startP6Fake({ users: [{ username: 'admin', password: PASSWORD }], loginVariants: [honoured] });
      try {
        const attempt = p6Login(opts({ baseUrl: strict.url, variant }));
        if (works) await attempt;
        else await assert.rejects(attempt, rejectsWith('CONN_LOGIN_FAILED'));
      } finally {
        await strict.stop();
      }
    }
  });

  it('reports bad credentials as CONN_LOGIN_FAILED after exactly one attempt, leaving the account unlocked', async () => {
    const attemptsBefore = fake.loginAttempts('admin');
    await assert.rejects(
      p6Login(opts({ password: 'wrong-password' })),
      rejectsWith('CONN_LOGIN_FAILED', /^P6 rejected the login \(bad username\/password, locked account, or no Web Services access\); check them in P6 before retrying — each failed attempt counts toward lockout$/),
    );
    assert.deepEqual(fake.counts(), { [LOGIN]: 1 });
    assert.equal(fake.loginAttempts('admin'), attemptsBefore + 1);
    assert.equal(fake.consecutiveFailures('admin'), 1);
    assert.equal(fake.isLocked('admin'), false);
    await p6Login(opts());
  });

  it('never puts the password in the error, whatever the variant', async () => {
    for (const variant of ['headers', 'authToken', 'both'] as const) {
      fake.unlock('admin');
      await assert.rejects(p6Login(opts({ variant, username: 'nobody' })), rejectsWith('CONN_LOGIN_FAILED'));
    }
  });

  it('reports a locked account like bad credentials, even with the right password', async () => {
    for (let i = 0; i < 3; i++) await assert.rejects(p6Login(opts({ password: `bad-${i}` })), rejectsWith('CONN_LOGIN_FAILED'));
    assert.equal(fake.isLocked('admin'), true);
    await assert.rejects(p6Login(opts()), rejectsWith('CONN_LOGIN_FAILED', /locked account/));
    assert.deepEqual(fake.counts(), { [LOGIN]: 4 });
  });

  it('names a wrong database alias in its own message, distinct from bad credentials', async () => {
    await assert.rejects(
      p6Login(opts({ database: 'orcl' })),
      rejectsWith('CONN_LOGIN_FAILED', /^P6 rejected the database alias "orcl"; ask your P6 administrator for the DatabaseName alias$/),
    );
    assert.equal(fake.consecutiveFailures('admin'), 0);
  });

  it('detects the /p6 web UI (HTML redirect or HTML page) and never follows the redirect', async () => {
    for (const baseUrl of [`${fake.origin}/p6/restapi`, `${fake.origin}/p6/action`]) {
      await assert.rejects(p6Login(opts({ baseUrl })), rejectsWith('CONN_BAD_RESPONSE', /\/p6 web UI instead of \/p6ws\/restapi/));
    }
    assert.deepEqual(fake.counts(), { 'POST /p6/restapi/login': 1, 'POST /p6/action/login': 1 });
  });

  it('does not follow redirects even through a dispatcher that carries a redirect interceptor', async () => {
    const following = new Agent().compose(interceptors.redirect({ maxRedirections: 5 }));
    try {
      await assert.rejects(p6Login(opts({ baseUrl: `${fake.origin}/p6/restapi`, dispatcher: following })), rejectsWith('CONN_BAD_RESPONSE'));
    } finally {
      await following.close();
    }
    assert.deepEqual(fake.counts(), { 'POST /p6/restapi/login': 1 });
  });

  it('reports a URL with no login service as CONN_BAD_RESPONSE naming /p6ws/restapi', async () => {
    await assert.rejects(p6Login(opts({ baseUrl: `${fake.origin}/p6ws/wrong` })), rejectsWith('CONN_BAD_RESPONSE', /no login service.*\/p6ws\/restapi/));
  });

  it('refuses credentials a variant cannot carry before sending anything', async () => {
    await assert.rejects(p6Login(opts({ password: 'pässword' })), rejectsWith('CONN_INVALID_REQUEST', /authToken/));
    await assert.rejects(p6Login(opts({ password: `${PASSWORD} ` })), rejectsWith('CONN_INVALID_REQUEST'));
    await assert.rejects(p6Login(opts({ variant: 'authToken', username: 'ad:min' })), rejectsWith('CONN_INVALID_REQUEST', /headers login variant/));
    await assert.rejects(p6Login(opts({ database: ' ' })), rejectsWith('CONN_INVALID_REQUEST', /alias/));
    await assert.rejects(p6Login(opts({ baseUrl: `http://admin:${PASSWORD}@127.0.0.1:1/p6ws/restapi` })), rejectsWith('CONN_INVALID_REQUEST'));
    assert.deepEqual(fake.counts(), {});
  });

  it('carries non-ASCII passwords intact with the authToken variant', async () => {
    const unicode = await startP6Fake({ users: [{ username: 'jürgen', password: 'pässwörd' }] });
    try {
      const session = await p6Login(opts({ baseUrl: unicode.url, variant: 'authToken', username: 'jürgen', password: 'pässwörd' }));
      assert.equal(session.cookies.length, 2);
    } finally {
      await unicode.stop();
    }
  });
});
