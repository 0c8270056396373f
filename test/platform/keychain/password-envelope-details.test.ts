// D198, D222, D223: the edges of the password envelope that round 11's mutation run of
// password-envelope.ts showed no test holding (round 12, A6-mutation): what is read as an
// envelope and what as a legacy bare password, what a binding is made of, and which refusal
// names which cause. Pure functions on real files (the CA file); no keychain.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Endpoint } from '../../../src/base/contracts/endpoint.js';
import { bindingOf, bindStoredPassword, credentialBindings, decodePassword, describeBindings, encodePassword, holdsCredential, isBound, routePassword } from '../../../src/platform/keychain/password-envelope.js';
import { testConfig } from '../broker/broker-harness.js';

const PW = 'the-Password';
const PIN = 'ab'.repeat(32);
const PIN2 = 'cd'.repeat(32);
const vc1 = (change: Partial<Endpoint> = {}): Endpoint => ({ ...testConfig().endpoints.find((e) => e.id === 'vc1')!, ...change } as Endpoint);
const pm = (change: Partial<Endpoint> = {}): Endpoint => ({ ...testConfig().endpoints.find((e) => e.id === 'pm')!, ...change } as Endpoint);
/** An item's text with `fields` after the magic prefix, as a hand or another program could write it. */
const item = (fields: Record<string, unknown>): string => JSON.stringify({ kb: 1, ...fields });

describe('decodePassword(): what is an envelope', () => {
  it('reads only the exact envelope prefix as one: the same JSON spelled otherwise is a bare password', () => {
    const spaced = `{ "kb":1,"password":"x","for":[]}`;
    assert.deepEqual(decodePassword(spaced), { password: spaced }, 'a space before "kb": a legacy password that happens to be JSON');
    const reordered = `{"password":"x","kb":1,"for":[]}`;
    assert.deepEqual(decodePassword(reordered), { password: reordered }, 'kb not first: a legacy password');
    assert.deepEqual(decodePassword(item({ password: 'x', for: [] })), { password: 'x', bindings: [] }, 'the prefix itself: an envelope');
    assert.deepEqual(decodePassword(''), { password: '' }, 'an empty item is an empty bare password');
  });

  it('reads an envelope of another version, or with a password that is no string, as a bare password', () => {
    for (const text of [
      JSON.stringify({ kb: 1, password: 7, for: [] }),
      `{"kb":1,"password":"x","for":[],"kb":2}`,
      `{"kb":1,"for":[]}`,
      `{"kb":1,"password":"x"}`,
      `{"kb":1,"password":"x","for":{}}`,
    ]) assert.deepEqual(decodePassword(text), { password: text }, `not an envelope: ${text}`);
  });

  it('takes a binding only with a non-empty origin of at most 300 characters and a pin or CA of exactly 64 lower-case hex digits', () => {
    const ok = (b: unknown) => decodePassword(item({ password: 'x', for: [b] })).bindings !== undefined;
    assert.equal(ok({ origin: 'https://a' }), true, 'an origin alone');
    assert.equal(ok({ origin: '' }), false, 'an empty origin');
    assert.equal(ok({ origin: 'h'.repeat(300) }), true, '300 characters');
    assert.equal(ok({ origin: 'h'.repeat(301) }), false, '301 characters');
    assert.equal(ok({ origin: 7 }), false, 'an origin that is no string');
    assert.equal(ok({ origin: 'https://a', pin: PIN }), true, 'a pin');
    assert.equal(ok({ origin: 'https://a', ca: PIN2 }), true, 'a CA hash');
    assert.equal(ok({ origin: 'https://a', pin: PIN, ca: PIN2 }), true, 'both');
    for (const bad of [PIN.toUpperCase(), PIN.slice(1), `${PIN}a`, `x${PIN}`, `${PIN}x`, `${PIN.slice(0, 63)}g`, 'ab:'.repeat(32)]) {
      assert.equal(ok({ origin: 'https://a', pin: bad }), false, `pin ${bad}`);
      assert.equal(ok({ origin: 'https://a', ca: bad }), false, `ca ${bad}`);
    }
    assert.equal(ok({ origin: 'https://a', other: 1 }), false, 'an unknown field of a binding');
    assert.equal(ok({}), false, 'no origin');
  });

  it('takes at most 1,000 bindings', () => {
    const many = (n: number) => decodePassword(item({ password: 'x', for: Array.from({ length: n }, (_, i) => ({ origin: `https://h${i}` })) })).bindings?.length;
    assert.equal(many(1000), 1000, '1,000 bindings');
    assert.equal(many(1001), undefined, '1,001: no envelope');
  });

  it("reads a replaced item's password and bindings, and its absence of bindings", () => {
    assert.deepEqual(decodePassword(item({ password: 'x', for: [], was: { password: 'y', for: [{ origin: 'https://a' }] } })), { password: 'x', bindings: [], was: { password: 'y', bindings: [{ origin: 'https://a' }] } });
    const legacyWas = decodePassword(item({ password: 'x', for: [], was: { password: 'y' } }));
    assert.deepEqual(legacyWas, { password: 'x', bindings: [], was: { password: 'y' } }, 'a replaced legacy item');
    assert.equal(Object.hasOwn(legacyWas.was!, 'bindings'), false, 'has no bindings key at all (it stays unbound)');
    assert.equal(Object.hasOwn(decodePassword(item({ password: 'x', for: [] })), 'was'), false, 'no replaced item: no was key');
    for (const text of [item({ password: 'x', for: [], was: { for: [] } }), item({ password: 'x', for: [], was: { password: 1 } }), item({ password: 'x', for: [], was: { password: 'y', for: [{ origin: '' }] } })]) {
      assert.deepEqual(decodePassword(text), { password: text }, `a bad was: ${text}`);
    }
  });
});

describe('encodePassword()', () => {
  it('writes the envelope with the magic prefix, and a replaced item with its bindings only when it had some', () => {
    assert.equal(encodePassword('x', [{ origin: 'https://a', pin: PIN }]), `{"kb":1,"password":"x","for":[{"origin":"https://a","pin":"${PIN}"}]}`);
    assert.equal(encodePassword('x', [], { password: 'y' }), '{"kb":1,"password":"x","for":[],"was":{"password":"y"}}');
    assert.equal(encodePassword('x', [], { password: 'y', bindings: [{ origin: 'https://a' }] }), '{"kb":1,"password":"x","for":[],"was":{"password":"y","for":[{"origin":"https://a"}]}}');
    assert.equal(encodePassword('x', [], { password: 'y', bindings: [], was: { password: 'z' } }), '{"kb":1,"password":"x","for":[],"was":{"password":"y","for":[]}}', "the replaced item's own was is never written");
  });
});

describe('bindingOf(): a CA file is bound by the SHA-256 of its text', () => {
  let dir: string;
  let caFile: string;
  const TEXT = '-----BEGIN CERTIFICATE-----\nnot checked here\n-----END CERTIFICATE-----\n';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-envelope-ca-'));
    caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, TEXT);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the file when the caller did not, and takes the caller\'s bytes when it did', () => {
    const sha = crypto.createHash('sha256').update(TEXT).digest('hex');
    assert.deepEqual(bindingOf(vc1({ tls: { verify: true, caFile } })), { origin: 'https://vc1.corp.example', ca: sha }, 'the file read here');
    const other = crypto.createHash('sha256').update('other').digest('hex');
    assert.deepEqual(bindingOf(vc1({ tls: { verify: true, caFile } }), { ok: true, text: 'other' }), { origin: 'https://vc1.corp.example', ca: other }, "the caller's bytes, not the file again");
    assert.equal(bindingOf(vc1({ tls: { verify: true, caFile } }), { ok: false, why: 'missing', code: 'ENOENT' }), undefined, "the caller's failed read");
    assert.deepEqual(bindingOf(vc1({ tls: { verify: true, caFile, fingerprintSha256: PIN } })), { origin: 'https://vc1.corp.example', pin: PIN, ca: sha }, 'a pin and a CA');
    assert.deepEqual(bindingOf(vc1(), { ok: true, text: 'other' }), { origin: 'https://vc1.corp.example' }, 'no CA file: the bytes given are not bound');
    assert.deepEqual(bindingOf(vc1({ tls: { verify: true, fingerprintSha256: 'AB:CD' } })), { origin: 'https://vc1.corp.example', pin: 'abcd' }, 'colons dropped, lower case');
  });

  it('routes a password bound with a CA hash only where that CA file still reads the same', () => {
    const endpoint = vc1({ tls: { verify: true, caFile } });
    const stored = decodePassword(encodePassword(PW, [bindingOf(endpoint)!]));
    assert.deepEqual(routePassword(endpoint, stored), { ok: true, password: PW }, 'the same file');
    const renewed = routePassword(endpoint, stored, { ok: true, text: 'a renewed CA' });
    assert.equal(renewed.ok, false, 'another CA text');
    assert.match(!renewed.ok ? renewed.message : '', /^the certificate trust of vc1 \(its pin or CA file\) changed/, 'named as a trust change');
  });
});

describe('isBound() and describeBindings()', () => {
  it('holds a binding only when origin, pin and CA are all equal', () => {
    const b = { origin: 'https://a', pin: PIN, ca: PIN2 };
    assert.equal(isBound([b], { ...b }), true, 'all equal');
    assert.equal(isBound([b], { ...b, origin: 'https://b' }), false, 'another origin');
    assert.equal(isBound([b], { ...b, pin: PIN2 }), false, 'another pin');
    assert.equal(isBound([b], { ...b, ca: PIN }), false, 'another CA');
    assert.equal(isBound([b], { origin: 'https://a' }), false, 'no pin and no CA');
    assert.equal(isBound([{ origin: 'https://b' }, b], { ...b }), true, 'any of them');
    assert.equal(isBound([], { ...b }), false, 'none');
  });

  it('names up to three origins, each once, and counts the rest', () => {
    const of = (...origins: string[]) => describeBindings(origins.map((origin) => ({ origin })));
    assert.equal(of('https://a'), 'https://a');
    assert.equal(of('https://a', 'https://a', 'https://b'), 'https://a, https://b', 'an origin with two trusts is named once');
    assert.equal(of('https://a', 'https://b', 'https://c'), 'https://a, https://b, https://c', 'three: all named');
    assert.equal(of('https://a', 'https://b', 'https://c', 'https://d'), 'https://a, https://b, https://c and 1 more');
    assert.equal(of('https://a', 'https://b', 'https://c', 'https://d', 'https://e', 'https://d'), 'https://a, https://b, https://c and 2 more', 'duplicates not counted');
  });
});

describe('routePassword(): the edges of D180 and D223', () => {
  it("lets a domain's password go to the domain's own name and to a host named in another case, never to a host that only ends like it", () => {
    const bound = decodePassword(encodePassword(PW, [bindingOf(vc1())!]));
    assert.deepEqual(routePassword(vc1({ url: 'https://corp.example/sdk' }), bound), { ok: true, password: PW, bind: { origin: 'https://corp.example' } }, 'the domain itself');
    assert.deepEqual(routePassword(vc1({ url: 'https://VC7.Corp.Example/sdk', credential: 'domain:CORP.example' }), bound), { ok: true, password: PW, bind: { origin: 'https://vc7.corp.example' } }, 'case is no difference');
    const ends = routePassword(vc1({ url: 'https://evilcorp.example/sdk' }), bound);
    assert.deepEqual(ends, { ok: false, message: "vc1 now points at https://evilcorp.example; its password was stored for https://vc1.corp.example: type it again in Settings or 'keybroker endpoint update vc1 --password-stdin'" }, 'ends with the domain but is not in it');
    assert.equal(routePassword(pm({ url: 'https://vc9.corp.example/p6ws/restapi' }), bound).ok, false, "an endpoint's own credential never follows a domain");
    assert.equal(routePassword(vc1({ url: 'https://vc9.corp.example/sdk', credential: 'endpoint:vc1' }), bound).ok, false, 'nor one named like a domain without the prefix');
  });

  it("lets it go to a host of the domain with a CA it is bound with, and with a pin only as the pin and CA it is bound with", () => {
    const ca = 'ef'.repeat(32);
    const stored = decodePassword(encodePassword(PW, [{ origin: 'https://vc1.corp.example', pin: PIN, ca }]));
    const at = (tls: Endpoint['tls'], caText?: string) => routePassword(vc1({ url: 'https://vc9.corp.example/sdk', tls }), stored, caText === undefined ? undefined : { ok: true, text: caText });
    assert.equal(at({ verify: true, fingerprintSha256: PIN }).ok, false, 'the pin without the CA it was bound with');
    assert.equal(at({ verify: true }).ok, true, "the system's trust");
    const caOnly = decodePassword(encodePassword(PW, [{ origin: 'https://vc1.corp.example', ca: crypto.createHash('sha256').update('ca text').digest('hex') }]));
    const viaCa = routePassword(vc1({ url: 'https://vc9.corp.example/sdk', tls: { verify: true, caFile: '/ca.pem' } }), caOnly, { ok: true, text: 'ca text' });
    assert.deepEqual(viaCa, { ok: true, password: PW, bind: { origin: 'https://vc9.corp.example', ca: crypto.createHash('sha256').update('ca text').digest('hex') } }, 'the CA it is bound with');
    assert.equal(routePassword(vc1({ url: 'https://vc9.corp.example/sdk', tls: { verify: true, caFile: '/ca.pem' } }), caOnly, { ok: true, text: 'another CA' }).ok, false, 'another CA');
    const twoTrusts = decodePassword(encodePassword(PW, [{ origin: 'https://vc1.corp.example', pin: PIN }, { origin: 'https://vc2.corp.example' }]));
    assert.deepEqual(routePassword(vc1({ url: 'https://vc9.corp.example/sdk', tls: { verify: true, fingerprintSha256: PIN } }), twoTrusts), { ok: true, password: PW, bind: { origin: 'https://vc9.corp.example', pin: PIN } }, 'the pin of one of its bindings, though another binding has none');
  });

  it('a crash-left item: the new password wherever it routes, the old one only where the new one does not, its refusal the new one\'s', () => {
    const pending = decodePassword(encodePassword('new', [bindingOf(pm())!], { password: 'old', bindings: [bindingOf(pm())!] }));
    assert.deepEqual(routePassword(pm(), pending), { ok: true, password: 'new' }, 'both bound here: the new one');
    const legacyPending = decodePassword(encodePassword('new', [], { password: 'old' }));
    const r = routePassword(pm(), legacyPending);
    // D227 (A3-envelope): the replaced password carries `replaced`, and a legacy one its binding
    // here, which the login uses only after the person's consent to bind it (D222), settling the item on it.
    assert.deepEqual(r, { ok: true, password: 'old', replaced: true, unbound: true, bind: { origin: 'https://p6.other.example' } }, 'the old legacy one, unbound: bound here only after its consent');
    const boundOld = routePassword(pm(), decodePassword(encodePassword('new', [], { password: 'old', bindings: [bindingOf(pm())!] })));
    assert.deepEqual(boundOld, { ok: true, password: 'old', replaced: true }, 'the old bound one, marked replaced (D227)');
    assert.equal(Object.hasOwn(boundOld, 'unbound'), false, 'not marked unbound');
    const trust = routePassword(pm({ tls: { verify: true, fingerprintSha256: PIN } }), decodePassword(encodePassword('new', [bindingOf(pm())!], { password: 'old', bindings: [{ origin: 'https://elsewhere.example' }] })));
    assert.match(!trust.ok ? trust.message : '', /^the certificate trust of pm/, "neither: the new item's refusal");
  });
});

describe('holdsCredential() and credentialBindings()', () => {
  it("an endpoint holds its own credential and its domain's for a host of the domain only", () => {
    assert.equal(holdsCredential(pm(), 'endpoint:pm'), true, 'its own');
    assert.equal(holdsCredential(pm(), 'endpoint:vc1'), false, "another's it does not name");
    assert.equal(holdsCredential(pm({ credential: 'endpoint:vc1' }), 'endpoint:vc1'), false, "another's it names");
    assert.equal(holdsCredential(vc1(), 'domain:corp.example'), true, "its domain's");
    assert.equal(holdsCredential(vc1({ url: 'https://corp.example/sdk' }), 'domain:corp.example'), true, 'the domain itself');
    assert.equal(holdsCredential(vc1({ url: 'https://vc1.other.example/sdk' }), 'domain:corp.example'), false, 'a host outside it');
    assert.equal(holdsCredential(vc1({ credential: 'vc1.corp.example' } as Partial<Endpoint>), 'vc1.corp.example'), false, 'neither own nor a domain');
  });

  it('binds the endpoints whose CA file reads, and leaves out one whose file does not', () => {
    const config = testConfig();
    const broken = { ...config.endpoints[1]!, tls: { verify: true, caFile: '/nonexistent/kb-ca.pem' } } as Endpoint;
    assert.deepEqual(credentialBindings({ endpoints: [config.endpoints[0]!, broken] }, 'domain:corp.example'), [{ origin: 'https://vc1.corp.example' }]);
  });
});

// Round 13 (C5-mutation): the survivors of the envelope's run after D225..D230.
describe('the envelope after round 12: edges', () => {
  it("an endpoint that uses a credential of its own holds no other: not its domain's, nor its own name's when it names the domain's", () => {
    assert.equal(holdsCredential(vc1({ credential: 'endpoint:vc1' }), 'domain:corp.example'), false, "vc1 with its own password does not hold the domain's");
    assert.equal(holdsCredential(vc1(), 'endpoint:vc1'), false, "vc1 with the domain's password does not hold an endpoint:vc1 item");
  });

  it("refuses a domain's password to a host of the domain whose CA file cannot be read, with the line that names the file", () => {
    const bound = decodePassword(encodePassword(PW, [bindingOf(vc1())!]));
    const r = routePassword(vc1({ id: 'vc9', url: 'https://vc9.corp.example/sdk', tls: { verify: true, caFile: '/nonexistent/kb-ca.pem' } }), bound);
    assert.deepEqual(r, { ok: false, message: "the CA file of vc9 (/nonexistent/kb-ca.pem) cannot be read, so KeyBroker cannot tell whether it is the server the password was stored for; fix the file, or type it again in Settings or 'keybroker endpoint update vc9 --password-stdin'" }, 'refused, not thrown');
  });

  it('names a changed trust when any of the origins the password is bound to is this server', () => {
    const bound = decodePassword(encodePassword(PW, [bindingOf(vc1())!, { origin: 'https://vc2.corp.example' }]));
    const r = routePassword(vc1({ credential: 'endpoint:vc1', tls: { verify: true, fingerprintSha256: PIN } }), bound);
    assert.match(!r.ok ? r.message : '', /^the certificate trust of vc1 \(its pin or CA file\) changed/, 'vc1 is one of two bound origins');
  });

  it('an untyped save that has nothing to bind answers undefined (no error for its caller to report): no item, or a legacy one', async () => {
    const store = new Map<string, string>();
    const keychain = { get: async (a: string) => store.get(a), set: async (a: string, s: string) => void store.set(a, s), delete: async (a: string) => store.delete(a) };
    assert.equal(await bindStoredPassword(keychain, testConfig(), 'endpoint:pm', undefined, 'pm'), undefined, 'no item');
    store.set('endpoint:pm', PW);
    assert.equal(await bindStoredPassword(keychain, testConfig(), 'endpoint:pm', undefined, 'pm'), undefined, 'a legacy item');
    assert.equal(store.get('endpoint:pm'), PW, 'left bare');
  });
});
