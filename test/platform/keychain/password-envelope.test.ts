// D198: a stored password carries where it may go, and goes nowhere else.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../../../src/base/contracts/config.js';
import type { Endpoint } from '../../../src/base/contracts/endpoint.js';
import { bindingOf, bindStoredPassword, decodePassword, encodePassword, routePassword } from '../../../src/platform/keychain/password-envelope.js';
import { testConfig } from '../broker/broker-harness.js';

const PW = 'pw-"quoted"-{"kb":1,}';
const vc1 = (change: Partial<Endpoint> = {}): Endpoint => ({ ...testConfig().endpoints.find((e) => e.id === 'vc1')!, ...change } as Endpoint);
const pm = (change: Partial<Endpoint> = {}): Endpoint => ({ ...testConfig().endpoints.find((e) => e.id === 'pm')!, ...change } as Endpoint);
const PIN = 'ab'.repeat(32);

describe('password envelope', () => {
  it('round-trips the password and its bindings; anything else is a legacy bare password', () => {
    const item = encodePassword(PW, [{ origin: 'https://vc1.corp.example' }]);
    assert.deepEqual(decodePassword(item), { password: PW, bindings: [{ origin: 'https://vc1.corp.example' }] });
    assert.deepEqual(decodePassword(PW), { password: PW }, 'a bare password is legacy');
    assert.deepEqual(decodePassword('{"kb":1,"password":'), { password: '{"kb":1,"password":' }, 'a broken envelope reads as a bare password');
    assert.deepEqual(decodePassword('{"kb":1,"password":"x","for":[],"extra":1}'), { password: '{"kb":1,"password":"x","for":[],"extra":1}' }, 'an unknown field is not an envelope');
  });

  it('binds an endpoint to its origin, pin (normalised) and nothing else', () => {
    assert.deepEqual(bindingOf(vc1()), { origin: 'https://vc1.corp.example' });
    assert.deepEqual(bindingOf(vc1({ tls: { verify: true, fingerprintSha256: PIN.toUpperCase().match(/../g)!.join(':') } })), { origin: 'https://vc1.corp.example', pin: PIN });
  });
});

describe('routePassword()', () => {
  const boundToPm = decodePassword(encodePassword(PW, [bindingOf(pm())!]));

  it('lets a password go where it is bound, and a legacy one anywhere, unbound (bind it there after a consent)', () => {
    assert.deepEqual(routePassword(pm(), boundToPm), { ok: true, password: PW });
    assert.deepEqual(routePassword(pm(), { password: PW }), { ok: true, password: PW, unbound: true, bind: { origin: 'https://p6.other.example' } });
    assert.deepEqual(routePassword(pm({ tls: { verify: true, caFile: '/nonexistent/kb-ca.pem' } }), { password: PW }), { ok: true, password: PW, unbound: true }, 'a legacy item with an unreadable CA file: nothing to bind to');
  });

  it("refuses a legacy item to an endpoint that does not hold its credential: another endpoint's, or a domain's from outside it (A7-redteam)", () => {
    assert.deepEqual(routePassword(pm({ id: 'evil', url: 'https://evil.example/p6ws/restapi' }), { password: PW }), { ok: false, message: "evil names the password of endpoint:pm, which KeyBroker keeps for pm alone; if evil is yours, remove it and add it again with 'keybroker endpoint add' (it then gets a password of its own)" });
    assert.deepEqual(routePassword(vc1({ id: 'vc9', url: 'https://corp.example.evil.example/sdk' }), { password: PW }), { ok: false, message: "vc9 names the password of domain:corp.example, which KeyBroker keeps for hosts in corp.example; if vc9 is yours, remove it and add it again with 'keybroker endpoint add' (it then gets a password of its own)" });
    assert.deepEqual(routePassword(vc1({ id: 'vc9', url: 'https://vc9.corp.example/sdk' }), { password: PW }), { ok: true, password: PW, unbound: true, bind: { origin: 'https://vc9.corp.example' } }, 'a host in the domain still asks its consent');
    const crashed = decodePassword(encodePassword('new-pw', [bindingOf(pm())!], { password: PW }));
    assert.equal(routePassword(pm({ id: 'evil', url: 'https://evil.example/p6ws/restapi' }), crashed).ok, false, "a replaced legacy item (D223's `was`) is refused there too");
  });

  it('routes an item a crash left between its writes: the new password where it is bound, the old one where it went, never bound from there (D223)', () => {
    const moved = pm({ url: 'https://p6-new.other.example/p6ws/restapi' });
    const pending = decodePassword(encodePassword('new-pw', [bindingOf(moved)!], { password: PW, bindings: [bindingOf(pm())!] }));
    assert.deepEqual(pending, { password: 'new-pw', bindings: [{ origin: 'https://p6-new.other.example' }], was: { password: PW, bindings: [{ origin: 'https://p6.other.example' }] } }, 'the replaced item is kept');
    assert.deepEqual(routePassword(moved, pending), { ok: true, password: 'new-pw' }, 'the new config: the new password');
    assert.deepEqual(routePassword(pm(), pending), { ok: true, password: PW, replaced: true }, 'the old config: the old password, where it went');
    const evil = routePassword(pm({ url: 'https://evil.example/p6ws/restapi' }), pending);
    assert.equal(evil.ok, false, 'neither goes anywhere else');
    assert.match(!evil.ok ? evil.message : '', /^pm now points at https:\/\/evil\.example; its password was stored for https:\/\/p6-new\.other\.example:/, 'the refusal names where the new one is bound');
    const wasLegacy = decodePassword(encodePassword('new-pw', [bindingOf(moved)!], { password: PW }));
    assert.deepEqual(wasLegacy.was, { password: PW }, 'a replaced legacy item stays unbound');
    assert.deepEqual(routePassword(pm(), wasLegacy), { ok: true, password: PW, replaced: true, bind: { origin: 'https://p6.other.example' }, unbound: true }, 'the old legacy password still needs its consent (its `bind` only for settleAfterLogin, which drops the new one)');
    assert.deepEqual(routePassword(moved, wasLegacy), { ok: true, password: 'new-pw' });
    assert.deepEqual(decodePassword('{"kb":1,"password":"x","for":[],"was":{"password":"y","extra":1}}').bindings, undefined, 'a strange `was` is no envelope');
  });

  it('refuses another origin or another pin with the one line that says what to do, never the password', () => {
    const moved = routePassword(pm({ url: 'https://evil.example/p6ws/restapi' }), boundToPm);
    assert.deepEqual(moved, { ok: false, message: "pm now points at https://evil.example; its password was stored for https://p6.other.example: type it again in Settings or 'keybroker endpoint update pm --password-stdin'" });
    const pinned = routePassword(pm({ tls: { verify: true, fingerprintSha256: PIN } }), boundToPm);
    assert.deepEqual(pinned, { ok: false, message: "the certificate trust of pm (its pin or CA file) changed since its password was stored; if you changed it, type it again in Settings or 'keybroker endpoint update pm --password-stdin'" }, 'a pin it was not bound to, at the same server: the line names the trust');
    const unreadable = routePassword(pm({ tls: { verify: true, caFile: '/nonexistent/kb-ca.pem' } }), boundToPm);
    assert.deepEqual(unreadable, { ok: false, message: "the CA file of pm (/nonexistent/kb-ca.pem) cannot be read, so KeyBroker cannot tell whether it is the server the password was stored for; fix the file, or type it again in Settings or 'keybroker endpoint update pm --password-stdin'" }, 'a CA file that cannot be read is named as the cause');
    assert.ok(!JSON.stringify([moved, pinned, unreadable]).includes(PW), 'no password in a refusal');
  });

  it("lets a domain's password go to another host of its domain with the system's trust or a pin it is bound with (D180), never outside it or to a new pin", () => {
    const bound = decodePassword(encodePassword(PW, [bindingOf(vc1())!]));
    assert.deepEqual(routePassword(vc1({ id: 'vc9', url: 'https://vc9.corp.example/sdk' }), bound), { ok: true, password: PW, bind: { origin: 'https://vc9.corp.example' } });
    assert.equal(routePassword(vc1({ url: 'https://corp.example.evil.example/sdk' }), bound).ok, false, 'outside the domain');
    assert.equal(routePassword(vc1({ url: 'https://vc9.corp.example/sdk', tls: { verify: true, fingerprintSha256: PIN } }), bound).ok, false, 'a pin of its own');
    const pinned = decodePassword(encodePassword(PW, [{ origin: 'https://vc1.corp.example', pin: PIN }]));
    assert.deepEqual(routePassword(vc1({ url: 'https://vc9.corp.example/sdk', tls: { verify: true, fingerprintSha256: PIN } }), pinned), { ok: true, password: PW, bind: { origin: 'https://vc9.corp.example', pin: PIN } }, "vc1's pin at another host of the domain");
    assert.equal(routePassword(vc1({ url: 'https://evil.example/sdk', tls: { verify: true, fingerprintSha256: PIN } }), pinned).ok, false, "vc1's pin outside the domain");
  });
});

describe('bindStoredPassword()', () => {
  it('binds a typed password to the endpoint it was typed for and those its item was bound to, and adds an untyped endpoint to an envelope', async () => {
    const store = new Map<string, string>();
    const keychain = { get: async (a: string) => store.get(a), set: async (a: string, s: string) => void store.set(a, s), delete: async (a: string) => store.delete(a) };
    const config = testConfig();
    store.set('domain:corp.example', encodePassword('old-pw', [{ origin: 'https://vc2.corp.example' }]));
    await bindStoredPassword(keychain, config, 'domain:corp.example', PW, 'vc1');
    assert.deepEqual(decodePassword(store.get('domain:corp.example')!), { password: PW, bindings: [{ origin: 'https://vc1.corp.example' }, { origin: 'https://vc2.corp.example' }] });
    const more = Config.parse({ ...config, endpoints: [...config.endpoints, { ...config.endpoints[0]!, id: 'vc3', url: 'https://vc3.corp.example/sdk' }] });
    await bindStoredPassword(keychain, more, 'domain:corp.example', undefined);
    assert.deepEqual(decodePassword(store.get('domain:corp.example')!).bindings?.map((b) => b.origin), ['https://vc1.corp.example', 'https://vc2.corp.example', 'https://vc3.corp.example']);
    store.set('endpoint:pm', PW);
    await bindStoredPassword(keychain, config, 'endpoint:pm', undefined);
    assert.equal(store.get('endpoint:pm'), PW, 'a legacy item is left to bind at its first login');
  });

  // Z6-redteam: config.json is a file any of the user's programs can write (D198's threat). An
  // endpoint added there by hand may name another endpoint's credential; the builder never
  // makes one (an endpoint's own credential is `endpoint:<its id>`, a domain's holds only its
  // hosts), so a password typed for pm must not be bound to it, nor a domain's to a host outside it.
  it("binds a password only to endpoints that hold its credential: not to one config.json points at another endpoint's or outside its domain", async () => {
    const store = new Map<string, string>();
    const keychain = { get: async (a: string) => store.get(a), set: async (a: string, s: string) => void store.set(a, s), delete: async (a: string) => store.delete(a) };
    const config = testConfig();
    const evil = { ...pm(), id: 'evil', url: 'https://evil.example/p6ws/restapi' };
    const outside = { ...vc1(), id: 'out', url: 'https://vc.evil.example/sdk' };
    const edited = Config.parse({ ...config, endpoints: [...config.endpoints, evil, outside] });
    await bindStoredPassword(keychain, edited, 'endpoint:pm', PW, 'pm');
    const pmItem = decodePassword(store.get('endpoint:pm')!);
    assert.deepEqual(pmItem.bindings?.map((b) => b.origin), ['https://p6.other.example'], 'pm\'s typed password is bound to pm only');
    assert.equal(routePassword(evil as Endpoint, pmItem).ok, false, 'the hand-added endpoint gets no password');
    store.set('domain:corp.example', encodePassword('old-pw', [{ origin: 'https://vc2.corp.example' }]));
    await bindStoredPassword(keychain, edited, 'domain:corp.example', PW, 'vc1');
    assert.deepEqual(decodePassword(store.get('domain:corp.example')!).bindings?.map((b) => b.origin), ['https://vc1.corp.example', 'https://vc2.corp.example'], 'a domain password is bound to its hosts only');
    store.set('endpoint:pm', encodePassword(PW, [bindingOf(pm())!]));
    await bindStoredPassword(keychain, edited, 'endpoint:pm', undefined);
    assert.deepEqual(decodePassword(store.get('endpoint:pm')!).bindings?.map((b) => b.origin), ['https://p6.other.example'], 'an untyped save adds no hand-added endpoint');
  });

  it("an untyped save binds only the endpoint it saved, not an in-domain one config.json pinned to someone else's certificate", async () => {
    const store = new Map<string, string>();
    const keychain = { get: async (a: string) => store.get(a), set: async (a: string, s: string) => void store.set(a, s), delete: async (a: string) => store.delete(a) };
    const config = testConfig();
    store.set('domain:corp.example', encodePassword(PW, [bindingOf(vc1())!]));
    const planted = { ...vc1(), id: 'planted', url: 'https://planted.corp.example/sdk', tls: { verify: true, fingerprintSha256: PIN } };
    const edited = Config.parse({ ...config, endpoints: [...config.endpoints, planted] });
    await bindStoredPassword(keychain, edited, 'domain:corp.example', undefined, 'vc2');
    const item = decodePassword(store.get('domain:corp.example')!);
    assert.deepEqual(item.bindings?.map((b) => b.origin), ['https://vc1.corp.example', 'https://vc2.corp.example'], 'vc2, saved now, is added; the planted endpoint is not');
    assert.equal(routePassword(planted as Endpoint, item).ok, false, 'the planted pin gets no password');
  });
});
