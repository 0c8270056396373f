// D198: the broker sends a stored password only where it is bound; a legacy item is
// bound at its first successful login.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../../../src/base/contracts/config.js';
import { boundItem, decodePassword, encodePassword } from '../../../src/platform/keychain/password-envelope.js';
import { ask, askAnswered, makeBroker, PASSWORD, recordingLink, testConfig } from './broker-harness.js';

/** testConfig() with pm pointed at `url`. */
function pointPmAt(url: string): Config {
  const c = testConfig();
  return Config.parse({ ...c, endpoints: c.endpoints.map((e) => (e.id === 'pm' ? { ...e, url } : e)) });
}

describe('Broker: a stored password goes only where it is bound (D198)', () => {
  it('binds a legacy item to the server of its first successful login, audited, after a prompt that said so (D222)', async () => {
    const { broker, approver, store, audit } = makeBroker({ legacy: true });
    assert.equal((await askAnswered(broker, approver, recordingLink('p6'), 'pm', 'a', 'allow-once')).t, 'token.grant');
    assert.deepEqual(approver.prompts.at(-1)?.subject, { kind: 'unlock', credential: 'endpoint:pm', ttlSeconds: 3600, hosts: ['p6.other.example'], unbound: true }, 'the prompt said the password has no recorded servers');
    assert.deepEqual(decodePassword(store.get('endpoint:pm')!), { password: PASSWORD, bindings: [{ origin: 'https://p6.other.example' }] });
    assert.ok(audit.some((a) => a.event === 'config.changed' && a.endpoint === 'pm' && a.reason === 'stored password bound to https://p6.other.example'), 'the binding is audited');
  });

  it('says in the unlock request\'s audit record that the person is asked to bind the password (unbound), and only then (D222)', async () => {
    const legacy = makeBroker({ legacy: true });
    assert.equal((await askAnswered(legacy.broker, legacy.approver, recordingLink('p6'), 'pm', 'a', 'deny')).t, 'token.deny');
    const asked = legacy.audit.filter((a) => a.event === 'unlock.requested');
    assert.deepEqual(asked.map((a) => [a.endpoint, a.hosts, a.unbound]), [['pm', ['p6.other.example'], true]], 'the request record says it binds');
    assert.ok(legacy.audit.filter((a) => a.event !== 'unlock.requested').every((a) => a.unbound === undefined), 'the request record only');
    const bound = makeBroker();
    assert.equal((await askAnswered(bound.broker, bound.approver, recordingLink('p6'), 'pm', 'a', 'deny')).t, 'token.deny');
    const plain = bound.audit.find((a) => a.event === 'unlock.requested');
    assert.ok(plain && !('unbound' in plain), `a plain unlock's record has no unbound field: ${JSON.stringify(plain)}`);
  });

  it("binds a legacy domain item to every server its prompt named, so each of them gets it (D222)", async () => {
    const { broker, approver, store, vsphere } = makeBroker({ legacy: true });
    assert.equal((await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl')).t, 'token.grant');
    assert.deepEqual(approver.prompts.at(-1)?.subject, { kind: 'unlock', credential: 'domain:corp.example', ttlSeconds: 4 * 3600, hosts: ['vc1.corp.example', 'vc2.corp.example'], unbound: true });
    assert.deepEqual(decodePassword(store.get('domain:corp.example')!).bindings, [{ origin: 'https://vc2.corp.example' }, { origin: 'https://vc1.corp.example' }]);
    // vc2 was named and bound: the unlock covers it with no second prompt.
    assert.equal((await ask(broker, recordingLink('vsphere', 'vsphere#2'), 'vc2', 'b')).t, 'token.grant');
    assert.equal(approver.prompts.length, 1, 'one prompt');
    assert.equal(vsphere.logins, 2);
  });

  it('asks again, saying so, while a legacy item is unbound: a cached unlock does not stand in for the consent (D222)', async () => {
    const { broker, approver, store, p6 } = makeBroker();
    const link = recordingLink('p6');
    const first = await askAnswered(broker, approver, link, 'pm', 'a', 'allow-ttl');
    assert.ok(first.t === 'token.grant', 'granted');
    assert.deepEqual(approver.prompts.at(-1)?.subject, { kind: 'unlock', credential: 'endpoint:pm', ttlSeconds: 3600, hosts: ['p6.other.example'] }, 'a bound item: a plain unlock');
    // The item is rewritten bare while the credential is unlocked (0.1 run again, or a tool),
    // and the session goes stale: the next login would bind it with no word to the person.
    store.set('endpoint:pm', PASSWORD);
    const shown = approver.nextPrompt();
    const renewed = ask(broker, link, 'pm', 'b', first.token);
    await shown;
    assert.deepEqual(approver.prompts.at(-1)?.subject, { kind: 'unlock', credential: 'endpoint:pm', ttlSeconds: 3600, hosts: ['p6.other.example'], unbound: true }, 'asked, saying it would bind it');
    approver.answer('deny');
    assert.equal((await renewed).t, 'token.deny');
    assert.equal(store.get('endpoint:pm'), PASSWORD, 'a deny leaves it unbound');
    assert.equal(p6.logins, 1, 'no second login');
  });

  it('refuses, after the approval and before any upstream I/O, to send it to a server it is not bound to', async () => {
    const { broker, approver, store, audit, p6, setConfig } = makeBroker();
    store.set('endpoint:pm', encodePassword(PASSWORD, [{ origin: 'https://p6.other.example' }]));
    setConfig(pointPmAt('https://evil.example/p6ws/restapi'));
    const r = await askAnswered(broker, approver, recordingLink('p6'), 'pm', 'a', 'allow-ttl');
    const message = "pm now points at https://evil.example; its password was stored for https://p6.other.example: type it again in Settings or 'keybroker endpoint update pm --password-stdin'";
    assert.deepEqual(r.t === 'token.deny' && [r.code, r.message], ['not_allowed', message]);
    assert.equal(p6.logins, 0, 'no login attempt anywhere');
    assert.ok(audit.some((a) => a.event === 'session.failed' && a.code === 'password_not_bound' && a.reason === message), 'audited');
    assert.ok(!JSON.stringify(audit).includes(PASSWORD), 'no password in the audit');
    assert.deepEqual(decodePassword(store.get('endpoint:pm')!).bindings, [{ origin: 'https://p6.other.example' }], 'the binding is unchanged');
  });

  // Z6-redteam: config.json (writable by any of the user's programs) gives a planted endpoint
  // pm's credential; the user then types pm's password (Settings or the CLI write boundItem).
  it("never sends pm's password to an endpoint config.json gave pm's credential, even after the user typed it again and approved", async () => {
    const { broker, approver, store, audit, p6, setConfig } = makeBroker();
    const c = testConfig();
    const pm = c.endpoints.find((e) => e.id === 'pm')!;
    const edited = Config.parse({ ...c, endpoints: [...c.endpoints, { ...pm, id: 'evil', url: 'https://evil.example/p6ws/restapi' }] });
    setConfig(edited);
    store.set('endpoint:pm', boundItem(PASSWORD, edited, 'endpoint:pm'));
    const r = await askAnswered(broker, approver, recordingLink('p6'), 'evil', 'a', 'allow-once');
    assert.deepEqual(r.t === 'token.deny' && r.code, 'not_allowed', `refused: ${JSON.stringify(r)}`);
    assert.equal(p6.logins, 0, 'no login at the planted server');
    assert.ok(audit.some((a) => a.event === 'session.failed' && a.code === 'password_not_bound' && a.endpoint === 'evil'), 'audited');
  });

  // A7-redteam: the same planted endpoint with a legacy item (0.1's bare password). D222's prompt
  // names evil's host, but a person who allows it (a careless yes) must still not send pm's
  // password there: evil does not hold pm's credential as KeyBroker makes it (D209).
  it("never sends a legacy pm password to an endpoint config.json gave pm's credential, even when the person allows it", async () => {
    const { broker, approver, store, audit, p6, setConfig } = makeBroker({ legacy: true });
    const c = testConfig();
    const pm = c.endpoints.find((e) => e.id === 'pm')!;
    setConfig(Config.parse({ ...c, endpoints: [...c.endpoints, { ...pm, id: 'evil', url: 'https://evil.example/p6ws/restapi' }] }));
    const r = await askAnswered(broker, approver, recordingLink('p6'), 'evil', 'a', 'allow-once');
    const message = "evil names the password of endpoint:pm, which KeyBroker keeps for pm alone; if evil is yours, remove it and add it again with 'keybroker endpoint add' (it then gets a password of its own)";
    assert.deepEqual(r.t === 'token.deny' && [r.code, r.message], ['not_allowed', message], `refused: ${JSON.stringify(r)}`);
    assert.equal(p6.logins, 0, 'no login at the planted server');
    assert.ok(audit.some((a) => a.event === 'session.failed' && a.code === 'password_not_bound' && a.endpoint === 'evil' && a.reason === message), 'audited');
    assert.equal(store.get('endpoint:pm'), PASSWORD, 'the item stays bare: bound to nothing');
    // pm itself still asks for, and gets, its first binding.
    const own = await askAnswered(broker, approver, recordingLink('p6', 'p6#2'), 'pm', 'b', 'allow-once');
    assert.equal(own.t, 'token.grant', `pm is served: ${JSON.stringify(own)}`);
    assert.deepEqual(decodePassword(store.get('endpoint:pm')!).bindings, [{ origin: 'https://p6.other.example' }], 'bound to pm alone');
  });

  it('does not overwrite a password typed while the login ran', async () => {
    const { broker, approver, store, vsphere } = makeBroker({ legacy: true });
    let open!: () => void;
    vsphere.gate = new Promise((r) => { open = r; });
    const reply = askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-once');
    while (vsphere.logins === 0) await new Promise((r) => setImmediate(r));
    store.set('domain:corp.example', 'typed meanwhile');
    open();
    assert.equal((await reply).t, 'token.grant');
    assert.equal(store.get('domain:corp.example'), 'typed meanwhile', 'the new password was kept');
  });
});
