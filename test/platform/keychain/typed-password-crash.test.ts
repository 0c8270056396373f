// D223 on a real Secret Service: a typed password is two writes, the keychain item
// and config.json. Every crash point must leave the old state or the new one: never a bare
// item that a later login binds wherever config.json then points (D198's TOFU again). The
// crash is the second write failing (the config write not happening; the final keychain
// write failing at the port), and the check is what the next unlock does: which password goes
// to which server, and whether it needs a first-binding consent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoint } from '../../../src/base/contracts/endpoint.js';
import { Sessions } from '../../../src/platform/broker/sessions.js';
import { UpstreamLoginError, type UpstreamLogin } from '../../../src/platform/broker/upstream-login.js';
import type { Keychain } from '../../../src/platform/keychain/keychain.js';
import { bindStoredPassword, boundItem, decodePassword, writeTypedPassword } from '../../../src/platform/keychain/password-envelope.js';
import { useHomeKeychain } from '../../support/home-keychain.js';
import { testConfig } from '../broker/broker-harness.js';
import { ManualClock } from '../../mocks/manual-clock.js';

const OLD = 'old-Password-typed-last-year';
const NEW = 'new-Password-typed-now';
const CRED = 'endpoint:pm';
const oldConfig = testConfig();
const pmOld = oldConfig.endpoints.find((e) => e.id === 'pm')!;
const pmNew: Endpoint = { ...pmOld, url: 'https://p6-new.other.example/p6ws/restapi' };
const newConfig = { ...oldConfig, endpoints: oldConfig.endpoints.map((e) => (e.id === 'pm' ? pmNew : e)) };

/** The P6 server part (no real one runs here): records which password reached which origin. */
class RecordingLogin implements UpstreamLogin {
  readonly seen: string[] = [];
  async login(endpoint: Endpoint, password: string) {
    this.seen.push(`${new URL(endpoint.url).origin} ${password === OLD ? 'OLD' : password === NEW ? 'NEW' : 'OTHER'}`);
    if (password !== OLD && password !== NEW) throw new UpstreamLoginError('login_failed', `${endpoint.id} rejected the username or password`);
    return { token: `tok-${this.seen.length}` };
  }
  async logout(): Promise<void> {}
}

/** The next unlock of `endpoint`: whether its prompt must ask for a first binding, and what the login sent where. */
async function nextUnlock(keychain: Keychain, endpoint: Endpoint, firstBinding?: boolean) {
  const p6 = new RecordingLogin();
  const sessions = new Sessions({ logins: { vsphere: p6, p6 }, keychain, clock: new ManualClock(), audit: { append: () => undefined } });
  try {
    const unbound = await sessions.unbound(endpoint);
    await sessions.login(endpoint, 'once', 60_000, firstBinding ? [] : undefined).catch((e: Error) => p6.seen.push(`refused: ${e.message}`));
    return { unbound, seen: p6.seen };
  } finally {
    sessions.dispose();
  }
}

/** `inner`, with every `set` failing from the `failFrom`-th on: the process died before it. */
function failingSets(inner: Keychain, failFrom: number): Keychain {
  let sets = 0;
  return {
    get: (a) => inner.get(a),
    delete: (a) => inner.delete(a),
    set: async (a, s) => {
      if (++sets >= failFrom) throw new Error('the process was killed before this write');
      return inner.set(a, s);
    },
  };
}

describe('a typed password and config.json: every crash point leaves the old state or the new one (D223)', () => {
  const world = useHomeKeychain('kb-typed-crash-');

  /** `endpoint update pm --url NEW --password-stdin` over `old`: its first write, then the process dies. */
  async function killedAfterFirstWrite(old: string): Promise<string | undefined> {
    await world.keychain.set(CRED, old);
    return writeTypedPassword(world.keychain, CRED, NEW, newConfig.endpoints, 'pm');
  }

  it('killed before config.json was written: the old password still goes to the old server, bound, with no first-binding prompt', async () => {
    const previous = await killedAfterFirstWrite(boundItem(OLD, oldConfig, CRED));
    assert.equal(previous, boundItem(OLD, oldConfig, CRED), 'the replaced item, for a rollback');
    const item = (await world.keychain.get(CRED))!;
    assert.notEqual(decodePassword(item).bindings, undefined, 'never a bare item');
    // config.json is still the old one: the next unlock is the old state.
    assert.deepEqual(await nextUnlock(world.keychain, pmOld), { unbound: false, seen: ['https://p6.other.example OLD'] });
    // D227: that unlock settled the item on the password that worked: the old state, alone.
    assert.deepEqual(decodePassword((await world.keychain.get(CRED))!), { password: OLD, bindings: [{ origin: 'https://p6.other.example' }] }, 'the unfinished new password is dropped');
    // Had the config write landed, the new state: the new password to the new server, and only it kept.
    await killedAfterFirstWrite(boundItem(OLD, oldConfig, CRED));
    assert.deepEqual(await nextUnlock(world.keychain, pmNew), { unbound: false, seen: ['https://p6-new.other.example NEW'] });
    assert.deepEqual(decodePassword((await world.keychain.get(CRED))!), { password: NEW, bindings: [{ origin: 'https://p6-new.other.example' }] }, 'the replaced password is dropped');
    // And to neither anywhere else; a refusal settles nothing.
    await killedAfterFirstWrite(boundItem(OLD, oldConfig, CRED));
    const evil = await nextUnlock(world.keychain, { ...pmOld, url: 'https://evil.example/p6ws/restapi' });
    assert.equal(evil.seen.length, 1, 'one outcome');
    assert.match(evil.seen[0]!, /^refused: pm now points at https:\/\/evil\.example; its password was stored for https:\/\/p6-new\.other\.example: /);
    assert.ok(decodePassword((await world.keychain.get(CRED))!).was, 'still pending after a refusal');
  });

  it('killed after config.json was written, before the final keychain write: the new password goes to the new server, and that unlock drops the replaced one', async () => {
    await world.keychain.set(CRED, boundItem(OLD, oldConfig, CRED));
    const faulty = failingSets(world.keychain, 2);
    await writeTypedPassword(faulty, CRED, NEW, newConfig.endpoints, 'pm');
    // config.json saved as newConfig; the final write fails at the port (reported, not thrown).
    const failed = await bindStoredPassword(faulty, newConfig, CRED, NEW, 'pm');
    assert.match(failed?.message ?? '', /killed before this write/, 'the failure is returned for the caller to report');
    assert.ok(decodePassword((await world.keychain.get(CRED))!).was, 'the final write did not happen');
    assert.deepEqual(await nextUnlock(world.keychain, pmNew), { unbound: false, seen: ['https://p6-new.other.example NEW'] });
    // D227: the unlock finished what the final write did not.
    assert.deepEqual(decodePassword((await world.keychain.get(CRED))!), { password: NEW, bindings: [{ origin: 'https://p6-new.other.example' }] }, 'the old password is no longer in the item');
    assert.deepEqual(await nextUnlock(world.keychain, pmOld), { unbound: false, seen: ["refused: pm now points at https://p6.other.example; its password was stored for https://p6-new.other.example: type it again in Settings or 'keybroker endpoint update pm --password-stdin'"] }, 'so it goes to the old server no more');
  });

  it('replacing a legacy item: killed before config.json, the old one still needs its first-binding consent, and that consent settles on it', async () => {
    await killedAfterFirstWrite(OLD);
    const before = await nextUnlock(world.keychain, pmOld);
    assert.equal(before.unbound, true, 'the old state: an unbound password asks for its binding');
    assert.match(before.seen.join(), /^refused: the stored password of pm has no recorded servers yet/, 'not sent without that consent');
    assert.deepEqual((await nextUnlock(world.keychain, pmOld, true)).seen, ['https://p6.other.example OLD'], 'with it, the old password to the old server');
    assert.deepEqual(decodePassword((await world.keychain.get(CRED))!), { password: OLD, bindings: [{ origin: 'https://p6.other.example' }] }, 'bound where the person allowed, the unfinished new password dropped (D227)');
    await killedAfterFirstWrite(OLD);
    assert.deepEqual(await nextUnlock(world.keychain, pmNew), { unbound: false, seen: ['https://p6-new.other.example NEW'] }, 'had config.json been saved: the new password, no consent needed');
  });
  // Round 12 (A6-mutation): the two edges the mutation run of password-envelope.ts showed.
  it('a first password (no item to replace): written bound to the new config, with nothing kept as replaced', async () => {
    await world.keychain.delete(CRED);
    assert.equal(await writeTypedPassword(world.keychain, CRED, NEW, newConfig.endpoints, 'pm'), undefined, 'nothing replaced, nothing to roll back');
    assert.deepEqual(decodePassword((await world.keychain.get(CRED))!), { password: NEW, bindings: [{ origin: 'https://p6-new.other.example' }] });
  });

  it('a save without the password that binds nothing new writes nothing: a crash-left item keeps its replaced password', async () => {
    await world.keychain.set(CRED, boundItem(OLD, oldConfig, CRED));
    await writeTypedPassword(world.keychain, CRED, NEW, newConfig.endpoints, 'pm');
    const pending = (await world.keychain.get(CRED))!;
    let sets = 0;
    const counting: Keychain = { get: (a) => world.keychain.get(a), delete: (a) => world.keychain.delete(a), set: async (a, s) => { sets++; return world.keychain.set(a, s); } };
    await bindStoredPassword(counting, newConfig, CRED, undefined, 'pm');
    assert.equal(sets, 0, 'pm is bound already: no write');
    assert.equal(await world.keychain.get(CRED), pending, 'the item is as writeTypedPassword left it');
    assert.deepEqual(await nextUnlock(world.keychain, pmOld), { unbound: false, seen: ['https://p6.other.example OLD'] }, 'the old config still sends the old password to the old server');
  });
});
