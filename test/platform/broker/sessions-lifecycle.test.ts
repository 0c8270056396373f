// Upstream sessions (DESIGN.md "Session"), directly: every way a login fails, every way a
// session ends, and the exact audit record of each. Fakes only for the keychain and the
// upstream; ManualClock for time. Found by mutation testing (docs/TESTING.md).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoint } from '../../../src/base/contracts/endpoint.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { Sessions, type SessionEnd } from '../../../src/platform/broker/sessions.js';
import { TokenDenied } from '../../../src/platform/broker/token-denied.js';
import { UpstreamLoginError, type UpstreamLogin } from '../../../src/platform/broker/upstream-login.js';
import { MemoryKeychain } from '../../mocks/memory-keychain.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { encodePassword } from '../../../src/platform/keychain/password-envelope.js';

const VC1: Endpoint = { id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: false, tls: { verify: true }, credential: 'endpoint:vc1' };
const VC2: Endpoint = { ...VC1, id: 'vc2', url: 'https://vc2.corp.example/sdk' };

function setup(login: Partial<UpstreamLogin> = {}) {
  const clock = new ManualClock();
  const keychain = new MemoryKeychain();
  // Bound to both endpoints that use it, as a typed password is (D198): no binding record here.
  keychain.items.set('endpoint:vc1', encodePassword('pw', [{ origin: 'https://vc1.corp.example' }, { origin: 'https://vc2.corp.example' }]));
  const audit: AuditInput[] = [];
  const logouts: string[] = [];
  let n = 0;
  const upstream: UpstreamLogin = {
    login: async () => {
      clock.advance(7); // The login takes 7 ms of (manual) time.
      return { token: `tok-${++n}` };
    },
    logout: async (_e, s) => void logouts.push(s.token),
    ...login,
  };
  const sessions = new Sessions({ logins: { vsphere: upstream, p6: upstream }, keychain, clock, audit: { append: (r) => void audit.push(r) } });
  const ended: SessionEnd[] = [];
  sessions.onDidEnd((e) => ended.push(e));
  return { sessions, clock, keychain, audit, logouts, ended };
}
const tick = () => new Promise((r) => setImmediate(r));
const denied = (code: string, message: string) => (e: unknown) => {
  assert.ok(e instanceof TokenDenied, String(e));
  assert.deepEqual([e.code, e.message], [code, message]);
  return true;
};

describe('Sessions', () => {
  it('logs in, audits the login with its duration and expiry, and ends it at expiresAt', async () => {
    const t = setup();
    const until = t.clock.now() + 60_000;
    const s = await t.sessions.login(VC1, 'ttl', until);
    assert.deepEqual(s, { endpoint: 'vc1', kind: 'vsphere', credential: 'endpoint:vc1', token: 'tok-1', loggedInAt: t.clock.now(), expiresAt: until, mode: 'ttl' });
    assert.deepEqual(t.audit, [{ event: 'session.login', endpoint: 'vc1', credential: 'endpoint:vc1', outcome: 'ok', durationMs: 7, expiresAt: new Date(until).toISOString() }]);
    assert.deepEqual(t.sessions.tokens(), ['tok-1']);
    assert.deepEqual(t.sessions.all().map((x) => x.token), ['tok-1']);
    t.clock.advance(60_000 - 7 - 1);
    assert.equal(t.sessions.current('vc1')?.token, 'tok-1', 'still live 1 ms before expiry');
    t.clock.advance(1);
    await tick();
    assert.equal(t.sessions.current('vc1'), undefined);
    assert.deepEqual(t.ended.map((e) => [e.session.token, e.reason]), [['tok-1', 'expired']]);
    assert.deepEqual(t.logouts, ['tok-1']);
    assert.deepEqual(t.audit.at(-1), { event: 'session.logout', endpoint: 'vc1', credential: 'endpoint:vc1', outcome: 'ok' });
    assert.deepEqual(t.sessions.tokens(), []);
  });

  it('ends a session lazily when read after a sleep past its expiry: reason expired, all() leaves it out', async () => {
    const t = setup();
    await t.sessions.login(VC1, 'ttl', t.clock.now() + 60_000);
    await t.sessions.login(VC2, 'ttl', t.clock.now() + 600_000);
    t.clock.jump(60_000);
    assert.deepEqual(t.sessions.all().map((s) => s.endpoint), ['vc2']);
    assert.deepEqual(t.ended.map((e) => [e.session.endpoint, e.reason]), [['vc1', 'expired']]);
  });

  it('throws away a login that a lock overtook, saying so, and logs it out', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = setup({ login: async () => { await gate; return { token: 'tok-late' }; } });
    const p = t.sessions.login(VC1, 'ttl', t.clock.now() + 60_000);
    await tick();
    t.sessions.lockCredential('endpoint:vc1');
    release();
    await assert.rejects(p, denied('locked', 'vc1 was locked during login; ask again to unlock it'));
    await tick();
    assert.deepEqual(t.logouts, ['tok-late']);
    assert.equal(t.sessions.current('vc1'), undefined);
    assert.equal(t.clock.pendingTimers, 0);
  });

  it('shares one login among concurrent callers', async () => {
    let logins = 0;
    const t = setup({ login: async () => ({ token: `tok-${++logins}` }) });
    const [a, b] = await Promise.all([t.sessions.login(VC1, 'ttl', t.clock.now() + 1000), t.sessions.login(VC1, 'ttl', t.clock.now() + 1000)]);
    assert.equal(logins, 1);
    assert.equal(a, b);
    // Once finished, the next login is a new one.
    await t.sessions.login(VC1, 'ttl', t.clock.now() + 1000);
    assert.equal(logins, 2);
  });

  it('refuses when the keychain cannot be read, naming the endpoint, without logging in', async () => {
    let logins = 0;
    const t = setup({ login: async () => ({ token: `tok-${++logins}` }) });
    t.keychain.failNext = { op: 'get', error: new Error('the keyring is locked') };
    await assert.rejects(t.sessions.login(VC1, 'ttl', 1e15), denied('locked', 'cannot read the keychain for vc1: the keyring is locked'));
    assert.equal(logins, 0);
  });

  it('refuses when there is no password, saying how to add it', async () => {
    const t = setup();
    t.keychain.items.delete('endpoint:vc1');
    await assert.rejects(t.sessions.login(VC1, 'ttl', 1e15), denied('invalid', "no password in the keychain for endpoint:vc1; set it with 'keybroker endpoint update vc1 --password-stdin'"));
  });

  it('audits a failed login with its reason and duration, and passes the upstream reason on', async () => {
    const t = setup({
      login: async () => {
        t.clock.advance(3);
        throw new UpstreamLoginError('login_failed', 'vc1 rejected the username or password');
      },
    });
    await assert.rejects(t.sessions.login(VC1, 'ttl', 1e15), denied('login_failed', 'vc1 rejected the username or password'));
    assert.deepEqual(t.audit, [{ event: 'session.failed', endpoint: 'vc1', credential: 'endpoint:vc1', outcome: 'failed', code: 'login_failed', reason: 'vc1 rejected the username or password', durationMs: 3 }]);
  });

  it('turns an unexpected login error into unreachable, without its text', async () => {
    const t = setup({ login: async () => { throw new TypeError('secret-ish internals'); } });
    await assert.rejects(t.sessions.login(VC1, 'ttl', 1e15), denied('unreachable', 'login to vc1 failed unexpectedly; check the URL and try again'));
    assert.equal(t.audit[0]?.code, 'unreachable');
    assert.ok(!JSON.stringify(t.audit).includes('secret-ish'), 'the audit never holds the thrown error\'s text');
  });

  it('a stale session ends, audited as rejected, and is logged out anyway (a child\'s word is no proof, R10-attack); only the current token invalidates', async () => {
    const t = setup();
    await t.sessions.login(VC1, 'ttl', t.clock.now() + 60_000);
    t.sessions.invalidate('vc1', 'tok-other');
    t.sessions.invalidate('vc2', 'tok-1');
    assert.equal(t.sessions.current('vc1')?.token, 'tok-1');
    t.sessions.invalidate('vc1', 'tok-1');
    await tick();
    assert.equal(t.sessions.current('vc1'), undefined);
    assert.deepEqual(t.logouts, ['tok-1'], 'the session a child called stale was not logged out upstream');
    assert.deepEqual(t.ended.map((e) => e.reason), ['stale']);
    assert.deepEqual(t.audit.at(-1), { event: 'session.logout', endpoint: 'vc1', credential: 'endpoint:vc1', reason: 'rejected by upstream' });
    assert.equal(t.clock.pendingTimers, 0, 'its expiry timer is gone');
  });

  it('a stale session is logged out with its vAPI REST session too, and one without a REST session with its token alone', async () => {
    // Security (R10-attack): a REST session left logged in would outlive every lock.
    const seen: unknown[] = [];
    let n = 0;
    const t = setup({
      login: async (e) => (e.id === 'vc1' ? { token: `tok-${++n}`, restToken: `api-${n}` } : { token: `tok-${++n}` }),
      logout: async (_e, s) => void seen.push(s),
    });
    await t.sessions.login(VC1, 'ttl', t.clock.now() + 60_000);
    await t.sessions.login(VC2, 'ttl', t.clock.now() + 60_000);
    t.sessions.invalidate('vc1', 'tok-1');
    t.sessions.invalidate('vc2', 'tok-2');
    while (seen.length < 2) await tick();
    assert.deepEqual(seen, [{ token: 'tok-1', restToken: 'api-1' }, { token: 'tok-2' }], 'what each stale session was logged out with');
  });

  it('a new login replaces the held session as stale', async () => {
    const t = setup();
    await t.sessions.login(VC1, 'ttl', t.clock.now() + 60_000);
    await t.sessions.login(VC1, 'once', t.clock.now() + 60_000);
    assert.equal(t.sessions.current('vc1')?.token, 'tok-2');
    assert.deepEqual(t.ended.map((e) => [e.session.token, e.reason]), [['tok-1', 'stale']]);
    assert.equal(t.clock.pendingTimers, 1);
  });

  it('lockCredential ends every session of the credential and names them', async () => {
    const t = setup();
    await t.sessions.login(VC1, 'ttl', t.clock.now() + 60_000);
    await t.sessions.login(VC2, 'ttl', t.clock.now() + 60_000);
    assert.deepEqual(await t.sessions.lockCredential('endpoint:other'), []);
    // Settles once both logouts finished (issue 10 item 8), naming each ended endpoint.
    assert.deepEqual((await t.sessions.lockCredential('endpoint:vc1')).map((o) => o.endpoint).sort(), ['vc1', 'vc2']);
    assert.deepEqual(t.logouts.sort(), ['tok-1', 'tok-2']);
    assert.deepEqual(t.ended.map((e) => e.reason), ['lock', 'lock']);
    assert.deepEqual(t.sessions.all(), []);
  });

  it('lockCredential with a login of that credential in flight settles after its logout and names its endpoint', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = setup({ login: async () => { await gate; return { token: 'tok-racing' }; } });
    const login = t.sessions.login(VC1, 'ttl', t.clock.now() + 60_000);
    await tick();
    let settled = false;
    const locked = t.sessions.lockCredential('endpoint:vc1').then((o) => { settled = true; return o; });
    await tick();
    assert.equal(settled, false, 'the lock waits for the racing login');
    release();
    await assert.rejects(login, denied('locked', 'vc1 was locked during login; ask again to unlock it'));
    // The racing login logged itself out before settling; the lock names it like an ended session.
    assert.deepEqual(await locked, [{ endpoint: 'vc1', ok: true }]);
    assert.deepEqual(t.logouts, ['tok-racing']);
  });

  it('lockCredential does not wait for a login of another credential', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const other: Endpoint = { ...VC1, id: 'p1', credential: 'endpoint:other' };
    const t = setup({ login: async () => { await gate; return { token: 'tok-other' }; } });
    t.keychain.items.set('endpoint:other', encodePassword('pw', [{ origin: 'https://vc1.corp.example' }]));
    const login = t.sessions.login(other, 'ttl', t.clock.now() + 60_000);
    await tick();
    let settled = false;
    const locked = t.sessions.lockCredential('endpoint:vc1').then((o) => { settled = true; return o; });
    await tick();
    assert.equal(settled, true, 'nothing of endpoint:vc1 was in flight');
    assert.deepEqual(await locked, []);
    release();
    assert.equal((await login).token, 'tok-other', 'the other login was not discarded');
  });

  it('audits a failed upstream logout and says the session will expire on its own', async () => {
    const t = setup({ logout: async () => { throw new Error('network down'); } });
    await t.sessions.login(VC1, 'ttl', t.clock.now() + 60_000);
    t.sessions.end('vc1', 'removed');
    t.sessions.end('vc1', 'removed'); // Already gone: nothing happens.
    await tick();
    assert.deepEqual(t.audit.slice(1), [{ event: 'session.logout', endpoint: 'vc1', credential: 'endpoint:vc1', outcome: 'failed', reason: 'upstream logout failed; the session will expire on its own' }]);
    assert.deepEqual(t.ended.map((e) => e.reason), ['removed']);
  });

  it('endAll() logs out every session and clears them, waiting for the logouts', async () => {
    const t = setup();
    await t.sessions.login(VC1, 'ttl', t.clock.now() + 60_000);
    await t.sessions.login(VC2, 'ttl', t.clock.now() + 60_000);
    await t.sessions.endAll();
    assert.deepEqual(t.logouts.sort(), ['tok-1', 'tok-2']);
    assert.deepEqual(t.sessions.tokens(), []);
    assert.equal(t.clock.pendingTimers, 0);
  });

  it('dispose() logs everything out', async () => {
    const t = setup();
    await t.sessions.login(VC1, 'ttl', t.clock.now() + 60_000);
    t.sessions.dispose();
    await tick();
    assert.deepEqual(t.logouts, ['tok-1']);
  });
});
