// D227: an item a typed password left pending (D223's `was`) is settled to one
// password: by config.json as it stands (settledItem, a rollback's restore) or by the password
// that just logged in (settleAfterLogin, the next unlock).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoint } from '../../../src/base/contracts/endpoint.js';
import { bindingOf, bindStoredPassword, decodePassword, encodePassword, settleAfterLogin, settledItem, typedBindings } from '../../../src/platform/keychain/password-envelope.js';
import { testConfig } from '../broker/broker-harness.js';

const config = testConfig();
const pm = config.endpoints.find((e) => e.id === 'pm')!;
const moved: Endpoint = { ...pm, url: 'https://p6-new.other.example/p6ws/restapi' };
const OLD_B = { origin: 'https://p6.other.example' };
const NEW_B = { origin: 'https://p6-new.other.example' };
const pending = encodePassword('new', [NEW_B], { password: 'old', bindings: [OLD_B] });

describe('settledItem()', () => {
  it('keeps the replaced item when config.json still points where only it goes, else the new one; never both', () => {
    assert.deepEqual(decodePassword(settledItem(pending, config.endpoints, 'endpoint:pm')), { password: 'old', bindings: [OLD_B] }, 'the old config: the config write never landed');
    assert.deepEqual(decodePassword(settledItem(pending, [moved], 'endpoint:pm')), { password: 'new', bindings: [NEW_B] }, 'the new config');
    assert.deepEqual(decodePassword(settledItem(pending, [], 'endpoint:pm')), { password: 'new', bindings: [NEW_B] }, 'no endpoint needs the old one');
    assert.equal(settledItem(encodePassword('new', [NEW_B], { password: 'old' }), config.endpoints, 'endpoint:pm'), 'old', 'a replaced 0.1 item comes back bare, as it was');
    const plain = encodePassword('pw', [OLD_B]);
    assert.equal(settledItem(plain, config.endpoints, 'endpoint:pm'), plain, 'an item with nothing pending is unchanged');
    assert.equal(settledItem('bare', config.endpoints, 'endpoint:pm'), 'bare', 'a bare item is unchanged');
    const other = { ...pm, id: 'evil', url: 'https://p6.other.example/p6ws/restapi' };
    assert.deepEqual(decodePassword(settledItem(pending, [moved, other], 'endpoint:pm')).password, 'new', "an endpoint that only names pm's credential is no evidence");
  });
});

describe('settleAfterLogin()', () => {
  it('keeps only the password that logged in, bound where it was and here', () => {
    const stored = decodePassword(pending);
    assert.deepEqual(decodePassword(settleAfterLogin(stored, {})!), { password: 'new', bindings: [NEW_B] }, 'the new one logged in: finished');
    assert.deepEqual(decodePassword(settleAfterLogin(stored, { replaced: true })!), { password: 'old', bindings: [OLD_B] }, 'the replaced one logged in: rolled back');
    assert.deepEqual(decodePassword(settleAfterLogin(stored, { bind: { origin: 'https://vc9.corp.example' } })!).bindings, [NEW_B, { origin: 'https://vc9.corp.example' }], "a domain host D180 admitted is added");
    assert.deepEqual(decodePassword(settleAfterLogin(stored, { bind: NEW_B })!).bindings, [NEW_B], 'no binding twice');
    const legacy = decodePassword(encodePassword('new', [NEW_B], { password: 'old' }));
    assert.deepEqual(decodePassword(settleAfterLogin(legacy, { replaced: true, bind: OLD_B }, [OLD_B, { origin: 'https://p6b.other.example' }])!), { password: 'old', bindings: [OLD_B, { origin: 'https://p6b.other.example' }] }, 'a replaced 0.1 item: bound where the person allowed');
    assert.equal(settleAfterLogin(legacy, { replaced: true }), 'old', 'without a consent or a binding it stays bare');
    assert.equal(settleAfterLogin(decodePassword(encodePassword('pw', [OLD_B])), {}), undefined, 'nothing pending: nothing to write');
  });
});

describe('typedBindings()', () => {
  it('binds the named endpoint and those already trusted, not another holder of the credential', () => {
    const vc1 = config.endpoints.find((e) => e.id === 'vc1')!;
    const evil: Endpoint = { ...vc1, id: 'evil', url: 'https://evil.corp.example/sdk', tls: { verify: true, fingerprintSha256: 'ee'.repeat(32) } };
    const all = [...config.endpoints, evil];
    assert.deepEqual(typedBindings(all, 'domain:corp.example', [bindingOf(config.endpoints.find((e) => e.id === 'vc2')!)!], 'vc1').map((b) => b.origin), ['https://vc1.corp.example', 'https://vc2.corp.example'], 'vc1 named, vc2 trusted; evil neither');
    assert.deepEqual(typedBindings(all, 'domain:corp.example', [], undefined), [], 'nothing named, nothing trusted');
    assert.deepEqual(typedBindings(all, 'domain:corp.example', [bindingOf(evil)!], 'vc1').map((b) => b.origin), ['https://vc1.corp.example', 'https://evil.corp.example'], 'trusted before: kept');
  });
});

// Round 13 (C5-mutation): the edges of D225 and D227 the envelope's mutation run showed no test holding.
describe('settle and typed bindings: edges', () => {
  it("keeps the new password when config.json points pm where neither password goes (the replaced one is kept only where it alone goes)", () => {
    const third: Endpoint = { ...pm, url: 'https://p6-third.other.example/p6ws/restapi' };
    assert.deepEqual(decodePassword(settledItem(pending, [third], 'endpoint:pm')), { password: 'new', bindings: [NEW_B] }, 'neither goes there: no evidence the config write failed');
    const rotated = encodePassword('new', [OLD_B], { password: 'old', bindings: [OLD_B] });
    assert.deepEqual(decodePassword(settledItem(rotated, config.endpoints, 'endpoint:pm')), { password: 'new', bindings: [OLD_B] }, 'a password typed again for the same server: both go there, the new one is kept');
  });

  it("binds a password typed over a pending item to the endpoints its replaced item was bound to too (D223's `was` vouches for them)", async () => {
    const store = new Map<string, string>();
    const keychain = { get: async (a: string) => store.get(a), set: async (a: string, s: string) => void store.set(a, s), delete: async (a: string) => store.delete(a) };
    const [VC1, VC2] = ['vc1', 'vc2'].map((id) => bindingOf(config.endpoints.find((e) => e.id === id)!)!);
    store.set('domain:corp.example', encodePassword('new', [VC1!], { password: 'old', bindings: [VC1!, VC2!] }));
    assert.equal(await bindStoredPassword(keychain, config, 'domain:corp.example', 'newer', 'vc1'), undefined, 'the write worked');
    assert.deepEqual(decodePassword(store.get('domain:corp.example')!), { password: 'newer', bindings: [VC1, VC2] }, 'vc2, trusted by the replaced item only, is kept');
  });

  it("binds a typed password to no endpoint that does not hold its credential, even at an origin the replaced item was bound to (Z6-redteam)", () => {
    // pm moved to a new server and is typed for there; config.json also gained `evil`, naming pm's
    // credential at pm's old origin: binding it would send the new password there.
    const evil: Endpoint = { ...pm, id: 'evil' };
    assert.deepEqual(typedBindings([moved, evil], 'endpoint:pm', [OLD_B], 'pm'), [NEW_B], 'only the named holder');
    assert.deepEqual(typedBindings([moved, evil], 'endpoint:pm', [OLD_B], 'evil'), [], 'naming a non-holder binds nothing (pm is then neither named nor trusted)');
  });

  it('keeps a password bound to no server an envelope after its login settles it: never a bare item, which binds wherever it is next allowed', () => {
    const nowhere = decodePassword(encodePassword('new', [], { password: 'old', bindings: [OLD_B] }));
    assert.deepEqual(decodePassword(settleAfterLogin(nowhere, {})!), { password: 'new', bindings: [] }, 'bound to nothing, still an envelope');
  });

  it('binds nothing for a named endpoint whose CA file cannot be read (its login fails on that anyway)', () => {
    const unreadable: Endpoint = { ...pm, tls: { verify: true, caFile: '/nonexistent/kb-ca.pem' } };
    assert.deepEqual(typedBindings([unreadable], 'endpoint:pm', [], 'pm'), [], 'no binding, not an empty one');
  });
});
