// Red team round 9 (R10-attack): what a server child or a config edit racing a login can
// get from the broker. Through the real Broker, Sessions, Consent and TokenService; the
// upstream login is the counting fake (real logins have their own suites).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../../../src/base/contracts/config.js';
import { ask, askAnswered, makeBroker, recordingLink, testConfig } from './broker-harness.js';

/** Let queued jobs run (no clock involved). */
async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('Broker attacks: an endpoint edited while its login runs', () => {
  for (const [what, change] of [
    ['url', { url: 'https://vc9.elsewhere.example/sdk' }],
    ['user', { username: 'someone-else' }],
    ['TLS pin', { tls: { verify: true, fingerprintSha256: 'AB'.repeat(32) } }],
  ] as const) {
    it(`a login started before the ${what} changed never serves the changed endpoint`, async () => {
      const { broker, approver, vsphere, setConfig } = makeBroker();
      let openLogin!: () => void;
      vsphere.gate = new Promise((r) => { openLogin = r; });
      const link = recordingLink('vsphere');
      const reply = askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
      while (vsphere.logins === 0) await new Promise((r) => setImmediate(r));
      const c = testConfig();
      setConfig(Config.parse({ ...c, endpoints: c.endpoints.map((e) => (e.id === 'vc1' ? { ...e, ...change } : e)) }));
      const reloaded = broker.reload([]);
      openLogin();
      await reloaded;
      const answer = await reply;
      await drain();
      // The session was made with the old settings: it must not reach the child as the new endpoint's.
      assert.equal(answer.t, 'token.deny', `the old login's token was granted for the changed endpoint: ${JSON.stringify(answer.t === 'token.grant' ? answer.upstream : answer)}`);
      assert.equal(broker.endpointStatus().find((e) => e.id === 'vc1')?.session, undefined, 'a session of the old settings is still held for the changed endpoint');
      assert.deepEqual(vsphere.logouts, ['tok-vc1-1'], 'the raced login was not logged out upstream');
      // The next request logs in afresh, with the new settings.
      vsphere.gate = undefined;
      const next = await ask(broker, link, 'vc1', 'b');
      assert.equal(next.t === 'token.grant' && next.token, 'tok-vc1-2', 'the next request did not log in again');
    });
  }

  it('a login started before its endpoint was removed is logged out, not kept', async () => {
    const { broker, approver, vsphere, setConfig } = makeBroker();
    let openLogin!: () => void;
    vsphere.gate = new Promise((r) => { openLogin = r; });
    const reply = askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    while (vsphere.logins === 0) await new Promise((r) => setImmediate(r));
    const c = testConfig();
    setConfig(Config.parse({ ...c, endpoints: c.endpoints.filter((e) => e.id !== 'vc1') }));
    const reloaded = broker.reload([]);
    openLogin();
    await reloaded;
    assert.equal((await reply).t, 'token.deny', 'a removed endpoint got a token');
    await drain();
    assert.deepEqual(vsphere.logouts, ['tok-vc1-1'], 'the raced login of a removed endpoint was not logged out upstream');
  });
});

describe('Broker attacks: a child that renews a token it keeps using', () => {
  it('the token a child calls stale is logged out upstream, so a lock leaves the child no live session', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const first = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    assert.ok(first.t === 'token.grant', 'no first grant');
    // A compromised child says its live token was refused, and keeps it.
    const second = await ask(broker, link, 'vc1', 'b', first.token);
    assert.ok(second.t === 'token.grant' && second.token !== first.token, 'no second session');
    await broker.lock();
    await drain();
    assert.deepEqual([...vsphere.logouts].sort(), [first.token, second.token].sort(), `after the lock a session the child holds is still live upstream: logged out only ${JSON.stringify(vsphere.logouts)}`);
  });

  it('a renew flood leaves at most the current session and the ones being logged out live upstream', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    let g = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    for (let i = 0; i < 50; i++) {
      assert.ok(g.t === 'token.grant', `renew ${i} was not granted`);
      g = await ask(broker, link, 'vc1', `r${i}`, g.token);
    }
    await drain();
    assert.equal(vsphere.logins, 51, 'each renew of the current token logs in once');
    assert.equal(vsphere.logouts.length, 50, `${51 - vsphere.logouts.length} upstream sessions are left live for one endpoint`);
  });
});
