// issue 10 items 7 and 8: `lock` answers after the upstream logout (bounded), and a config
// reload ends the sessions of removed or changed endpoints, even when their credential is gone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../../../src/base/contracts/config.js';
import { ask, askAnswered, makeBroker, recordingLink, testConfig } from './broker-harness.js';

/** A broker with vc1 (domain credential) unlocked and logged in. */
async function unlockedBroker(opts: Parameters<typeof makeBroker>[0] = {}) {
  const h = makeBroker(opts);
  const link = recordingLink('vsphere');
  const shown = h.approver.nextPrompt();
  const r = ask(h.broker, link, 'vc1', 'a');
  await shown;
  h.approver.answer('allow-ttl');
  const grant = await r;
  assert.equal(grant.t, 'token.grant');
  return { ...h, link, token: grant.t === 'token.grant' ? grant.token : '' };
}

/** Settled state of a promise right now (after queued jobs ran). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => { done = true; }, () => { done = true; });
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return done;
}

describe('Broker lock()', () => {
  it('resolves only after the upstream logout has finished', async () => {
    const { broker, vsphere, token } = await unlockedBroker();
    let open!: () => void;
    vsphere.logoutGate = new Promise((r) => { open = r; });
    const locked = broker.lock('vc1');
    assert.equal(await settled(locked), false, 'lock answered while the logout was still running');
    open();
    assert.deepEqual(await locked, { locked: ['domain:corp.example'], notLoggedOut: [] });
    assert.deepEqual(vsphere.logouts, [token]);
  });

  it('answers after its bound when a logout hangs, naming the endpoint not logged out', async () => {
    const { broker, vsphere } = await unlockedBroker({ logoutWaitMs: 50 });
    vsphere.logoutGate = new Promise(() => undefined); // never finishes
    assert.deepEqual(await broker.lock(), { locked: ['domain:corp.example', 'endpoint:pm'], notLoggedOut: ['vc1'] });
  });

  it('reports a failed logout, audited as failed', async () => {
    const { broker, vsphere, audit } = await unlockedBroker();
    vsphere.failLogouts = true;
    assert.deepEqual((await broker.lock('vc1')).notLoggedOut, ['vc1']);
    assert.ok(audit.some((a) => a.event === 'session.logout' && a.endpoint === 'vc1' && a.outcome === 'failed'), 'the failed logout of vc1 is audited');
  });

  it('waits for the logout of a login that was still under way', async () => {
    const { broker, approver, vsphere } = makeBroker();
    let openLogin!: () => void;
    vsphere.gate = new Promise((r) => { openLogin = r; });
    let openLogout!: () => void;
    vsphere.logoutGate = new Promise((r) => { openLogout = r; });
    const r = askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    await new Promise((res) => setImmediate(res));
    const locked = broker.lock('vc1');
    openLogin();
    assert.equal(await settled(locked), false, 'lock answered before the raced login was logged out');
    openLogout();
    await locked;
    assert.equal((await r).t, 'token.deny');
    assert.deepEqual(vsphere.logouts, ['tok-vc1-1']);
  });
});

describe('Broker shutdown()', () => {
  it('finishes within its bound even when an upstream logout hangs', async () => {
    const { broker, vsphere } = await unlockedBroker({ logoutWaitMs: 50 });
    vsphere.logoutGate = new Promise(() => undefined); // never finishes
    await broker.shutdown();
  });

  it('waits for the logouts that do finish', async () => {
    const { broker, vsphere, token } = await unlockedBroker();
    let open!: () => void;
    vsphere.logoutGate = new Promise((r) => { open = r; });
    const done = broker.shutdown();
    assert.equal(await settled(done), false);
    open();
    await done;
    assert.deepEqual(vsphere.logouts, [token]);
  });
});

describe('Broker reload()', () => {
  it('ends the session of a removed endpoint whose credential was removed too, without throwing', async () => {
    const { broker, vsphere, link, token, setConfig, audit } = await unlockedBroker();
    const c = testConfig();
    // `endpoint remove vc1` when vc1 had its own credential: both gone from config.json.
    setConfig(Config.parse({ ...c, endpoints: c.endpoints.filter((e) => e.id === 'pm'), credentials: c.credentials.filter((x) => x.id === 'endpoint:pm') }));
    await broker.reload(['domain:corp.example']);
    assert.deepEqual(vsphere.logouts, [token]);
    assert.ok(link.frames.some((f) => f.t === 'token.revoke' && f.endpoint === 'vc1'), 'the child is told vc1\'s token is revoked');
    assert.ok(audit.some((a) => a.event === 'session.logout' && a.endpoint === 'vc1' && a.outcome === 'ok'), 'vc1\'s logout is audited');
  });

  it('ends the session of a removed endpoint whose shared credential stays, and keeps the credential unlocked', async () => {
    const { broker, vsphere, token, setConfig } = await unlockedBroker();
    const c = testConfig();
    setConfig(Config.parse({ ...c, endpoints: c.endpoints.filter((e) => e.id !== 'vc1') }));
    await broker.reload([]);
    assert.deepEqual(vsphere.logouts, [token]);
    assert.equal(broker.endpointStatus().find((e) => e.id === 'vc2')?.lock, 'unlocked');
  });

  for (const [what, change] of [
    ['url', { url: 'https://vc9.corp.example/sdk' }],
    ['user', { username: 'someone-else' }],
    ['TLS pin', { tls: { verify: true, fingerprintSha256: 'AB'.repeat(32) } }],
  ] as const) {
    it(`ends the session when the endpoint's ${what} changed`, async () => {
      const { broker, vsphere, token, setConfig, link } = await unlockedBroker();
      const c = testConfig();
      setConfig(Config.parse({ ...c, endpoints: c.endpoints.map((e) => (e.id === 'vc1' ? { ...e, ...change } : e)) }));
      await broker.reload([]);
      assert.deepEqual(vsphere.logouts, [token]);
      assert.ok(link.frames.some((f) => f.t === 'token.revoke' && f.endpoint === 'vc1'), 'the child is told vc1\'s token is revoked');
    });
  }

  it('keeps the session when only readOnly changed', async () => {
    const { broker, vsphere, setConfig } = await unlockedBroker();
    const c = testConfig();
    setConfig(Config.parse({ ...c, endpoints: c.endpoints.map((e) => (e.id === 'vc1' ? { ...e, readOnly: true } : e)) }));
    await broker.reload([]);
    assert.deepEqual(vsphere.logouts, []);
    assert.ok(broker.endpointStatus().find((e) => e.id === 'vc1')?.session, 'vc1 keeps its session when it only became read-only');
  });
});
