// Z3-renew: a child renewing its current token in a loop, against real vcsim. The real Broker
// with the real vSphere login, the password in a private Secret Service, a ManualClock for the
// re-login window; vcsim's own SessionManager (read by pyVmomi, its own login) says which
// sessions exist, so the test does not trust KeyBroker's audit to count the logins. Within the
// window, a renew checks the session in vcsim (D232): a dead one is logged in again,
// at most PROVEN_DEAD_RELOGINS times a window; the login counts its checks (the real check).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Config, emptyConfig } from '../../src/base/contracts/config.js';
import type { AuditInput } from '../../src/platform/ports/audit-sink.js';
import { Broker } from '../../src/platform/broker/broker.js';
import { FORCED_RELOGIN_WINDOW_MS, LIVENESS_REUSE_MS, PROVEN_DEAD_RELOGINS } from '../../src/platform/broker/forced-relogins.js';
import { VsphereUpstreamLogin } from '../../src/platform/broker/logins/vsphere-upstream-login.js';
import { P6UpstreamLogin } from '../../src/platform/broker/logins/p6-upstream-login.js';
import { NapiKeychain } from '../../src/platform/keychain/napi-keychain.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { startVcsim, type Vcsim } from '../support/vcsim.js';
import { cookieIsLive, vcsimSessions } from '../support/vcsim-sessions.js';
import { vcsimChange } from '../support/vcsim-change.js';
import { waitFor } from '../support/keybroker-cli.js';
import { ManualClock } from '../mocks/manual-clock.js';
import { ask, recordingLink } from '../platform/broker/broker-harness.js';

const USER = 'administrator@vsphere.local';

/** The real vSphere login, counting its liveness checks. */
class CountingLogin extends VsphereUpstreamLogin {
  checks = 0;
  override isAlive(...args: Parameters<VsphereUpstreamLogin['isAlive']>): Promise<boolean> {
    this.checks++;
    return super.isAlive(...args);
  }
}
const PASSWORD = 'renew storm "pw" & <xml>';

describe('renew storms against vcsim', () => {
  let ss: SecretService;
  let vcsim: Vcsim;
  let broker: Broker;
  const vsphereLogin = new CountingLogin();
  const clock = new ManualClock();
  const audit: AuditInput[] = [];

  before(async () => {
    ss = await startSecretService();
    ss.apply();
    vcsim = await startVcsim({ username: USER, password: PASSWORD });
    const keychain = new NapiKeychain('KeyBroker-z3-renew');
    await keychain.set('endpoint:vc1', PASSWORD);
    const config = Config.parse({
      ...emptyConfig(),
      endpoints: [{ id: 'vc1', kind: 'vsphere', url: vcsim.url, username: USER, readOnly: false, tls: { verify: true, fingerprintSha256: vcsim.fingerprintSha256 }, credential: 'endpoint:vc1' }],
      credentials: [{ id: 'endpoint:vc1', ttlSeconds: 4 * 3600 }],
    });
    broker = new Broker({
      config: () => config, keychain, logins: { vsphere: vsphereLogin, p6: new P6UpstreamLogin() },
      approver: { request: async () => 'allow-ttl' }, clock, audit: { append: (r) => void audit.push(r) },
    });
  });

  after(async () => {
    await broker?.shutdown();
    broker?.dispose();
    await vcsim?.stop();
    await ss?.stop();
  });

  /** The keys of vcsim's sessions for our user, once exactly `n` are left (logouts of replaced sessions run in the background). */
  const sessionKeys = (n: number) => waitFor(`${n} vcsim session(s)`, async () => {
    const keys = (await vcsimSessions(vcsim)).filter((s) => s.userName.includes('administrator')).map((s) => s.key);
    return keys.length === n ? keys : undefined;
  });

  it('a child renewing its current token in a loop causes one login per window; a session terminated in vcsim within it is renewed, a bounded number of times', async () => {
    const link = recordingLink('vsphere');
    const grant = async (id: string, stale?: string): Promise<string> => {
      const f = await ask(broker, link, 'vc1', id, stale);
      assert.ok(f.t === 'token.grant', `${id} was not granted: ${JSON.stringify(f.t === 'token.deny' ? f : f.t)}`);
      return f.token;
    };
    const logins = () => audit.filter((r) => r.event === 'session.login').length;
    const first = await grant('a');
    const [firstKey] = await sessionKeys(1);
    // The first renew of the current token logs in again at once (it may be a real 401).
    const renewed = await grant('r0', first);
    assert.notEqual(renewed, first, 'the first renew was not a new session');
    const [renewedKey] = await sessionKeys(1);
    assert.notEqual(renewedKey, firstKey, 'vcsim holds no new session after the first renew');
    assert.equal(vsphereLogin.checks, 0, 'the first renew of a window checked the session');
    // A loop within the window: no new session in vcsim, every renew served the same live one,
    // after one check of it in vcsim (its "alive" stands for the renews after it).
    for (let i = 1; i <= 100; i++) assert.equal(await grant(`r${i}`, renewed), renewed, `renew ${i} got another session`);
    assert.deepEqual(await sessionKeys(1), [renewedKey], '100 renews within the window made new vcsim sessions');
    assert.equal(await cookieIsLive(vcsim, renewed), true, 'the session served within the window is not live in vcsim');
    assert.ok(vsphereLogin.checks <= 1, `100 renews of a live session were ${vsphereLogin.checks} checks, not one`);
    assert.equal(logins(), 2, 'logins: the first and one renew');
    assert.deepEqual(audit.filter((r) => r.count !== undefined).map((r) => r.count), [1], 'held renews are written coalesced');

    // An admin ends the session in vcsim: a real 401 within the window. Once the last "alive"
    // has stopped standing, the renew checks again, finds it dead, and logs in again.
    await vcsimChange(vcsim, 'terminate');
    assert.equal(await cookieIsLive(vcsim, renewed), false, 'vcsim did not end the session');
    clock.advance(LIVENESS_REUSE_MS);
    const second = await grant('killed-1', renewed);
    assert.notEqual(second, renewed, 'a session terminated within the window was not renewed');
    assert.equal(await cookieIsLive(vcsim, second), true, 'the renewed session is not live in vcsim');
    assert.equal(logins(), 3, 'logins: one more for the dead session');

    // Ended again at once (the session dies twice within the minute): renewed again; 20 racing
    // renews share one check and one login.
    await vcsimChange(vcsim, 'terminate');
    const racing = await Promise.all(Array.from({ length: 20 }, (_, i) => grant(`killed-2.${i}`, second)));
    assert.equal(new Set(racing).size, 1, 'racing renews of the dead session got different sessions');
    const third = racing[0]!;
    assert.notEqual(third, second, 'a session terminated twice within the window was not renewed the second time');
    assert.equal(await cookieIsLive(vcsim, third), true, 'the second renewed session is not live in vcsim');
    assert.equal(logins(), 4, 'logins: one for the 20 racing renews');
    assert.equal(vsphereLogin.checks, 3, 'checks: one per session asked about');

    // A child that ends its own session in a loop (it holds the token) drives no more logins
    // than that: past PROVEN_DEAD_RELOGINS in the window, the renew is held as before (D214).
    assert.equal(PROVEN_DEAD_RELOGINS, 2, 'this test ends sessions twice within the window');
    await vcsimChange(vcsim, 'terminate');
    assert.equal(await grant('killed-3', third), third, 'a third dead session within the window logged in again');
    assert.equal(vsphereLogin.checks, 3, 'a renew past the allowance checked the session');
    clock.advance(FORCED_RELOGIN_WINDOW_MS - LIVENESS_REUSE_MS);
    const after = await grant('real401', third);
    assert.notEqual(after, third, 'the terminated session was not renewed after the window');
    assert.equal(await cookieIsLive(vcsim, after), true, 'the renewed session is not live in vcsim');
    assert.equal((await sessionKeys(1)).length, 1, 'vcsim holds more than the renewed session');
    assert.equal(logins(), 5, 'logins: the first, one renew per window, two for dead sessions');
    // The held renews summed up at the end of the window (r2..r100 and killed-3), and the 19
    // racing renews that joined the one login, written coalesced as repeated grants (D202).
    assert.deepEqual(audit.filter((r) => r.count !== undefined).map((r) => r.count), [1, 100, 19], 'the held renews and the joined ones are summed up at the end of the window');
  });
});
