import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ask, askAnswered, makeBroker, PASSWORD, recordingLink } from './broker-harness.js';

describe('Broker token requests', () => {
  it('shares one prompt and one login among 100 concurrent requests, then grants all 100', async () => {
    const { broker, approver, vsphere, audit } = makeBroker();
    const link = recordingLink('vsphere');
    const shown = approver.nextPrompt();
    const replies = Array.from({ length: 100 }, (_, i) => ask(broker, link, 'vc1', `r${i}`));
    await shown;
    approver.answer('allow-ttl');
    const all = await Promise.all(replies);
    assert.equal(approver.prompts.length, 1);
    assert.equal(vsphere.logins, 1);
    assert.ok(all.every((f) => f.t === 'token.grant' && f.token === 'tok-vc1-1'), 'every waiting request gets the one token of one login');
    // The other 99 are grants of the same session to the same child: counted, not written one by one (Y2-auditflood).
    assert.equal(audit.filter((a) => a.event === 'token.granted').length, 1, 'the first grant in full, the repeats counted');
    assert.equal(audit.filter((a) => a.event === 'unlock.requested').length, 1);
    broker.dispose();
    assert.equal(audit.find((a) => a.event === 'token.granted' && a.count !== undefined)?.count, 99, 'the 99 repeats in one summary, written at dispose');
  });

  it('denies all 100 concurrent requests after one deny, without logging in', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const shown = approver.nextPrompt();
    const replies = Array.from({ length: 100 }, (_, i) => ask(broker, link, 'vc1', `r${i}`));
    await shown;
    approver.answer('deny');
    const all = await Promise.all(replies);
    assert.equal(approver.prompts.length, 1);
    assert.equal(vsphere.logins, 0);
    assert.ok(all.every((f) => f.t === 'token.deny' && f.code === 'denied'), 'every waiting request is denied');
  });

  it('shows who asks, for which endpoint and credential, and for how long', async () => {
    const { broker, approver } = makeBroker();
    const shown = approver.nextPrompt();
    const reply = ask(broker, recordingLink('p6'), 'pm', 'a');
    await shown;
    const [p] = approver.prompts;
    assert.equal(p?.server, 'p6');
    assert.equal(p?.endpoint, 'pm');
    assert.deepEqual(p?.subject, { kind: 'unlock', credential: 'endpoint:pm', ttlSeconds: 3600, hosts: ['p6.other.example'] });
    approver.answer('deny');
    await reply;
  });

  it('serves every endpoint of a domain with one unlock', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    const second = await ask(broker, link, 'vc2', 'b');
    assert.equal(second.t, 'token.grant');
    assert.equal(approver.prompts.length, 1);
    assert.equal(vsphere.logins, 2); // one session per endpoint, one consent per domain
  });

  it('prompts again after the TTL, logs out the old session and revokes its token', async () => {
    const { broker, approver, clock, vsphere, audit } = makeBroker();
    const link = recordingLink('vsphere');
    const grant = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    assert.equal(grant.t === 'token.grant' && grant.expiresAt, clock.now() + 4 * 3600 * 1000);

    clock.advance(4 * 3600 * 1000);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(vsphere.logouts, ['tok-vc1-1']);
    assert.ok(link.frames.some((f) => f.t === 'token.revoke' && f.endpoint === 'vc1'), 'the child is told vc1\'s token is revoked');
    assert.ok(audit.some((a) => a.event === 'unlock.expired' && a.credential === 'domain:corp.example'), 'the expiry of the unlock is audited');

    // it waits for a new approval instead of failing
    assert.equal((await askAnswered(broker, approver, link, 'vc1', 'b', 'allow-ttl')).t, 'token.grant');
    assert.equal(approver.prompts.length, 2);
  });

  it('does not cache "allow once": a second session needs a second approval', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const g = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-once');
    assert.equal(g.t, 'token.grant');
    // The same session is reused while it lives...
    assert.equal((await ask(broker, link, 'vc1', 'b')).t, 'token.grant');
    assert.equal(approver.prompts.length, 1);
    // ...but another endpoint of the same domain is not unlocked by it.
    assert.equal((await askAnswered(broker, approver, link, 'vc2', 'c', 'deny')).t, 'token.deny');
    assert.equal(approver.prompts.length, 2);
    assert.equal(vsphere.logins, 1);
  });

  it('times out an unanswered prompt after 60 s as a denial', async () => {
    const { broker, approver, clock, audit } = makeBroker();
    const shown = approver.nextPrompt();
    const reply = ask(broker, recordingLink('vsphere'), 'vc1', 'a');
    await shown;
    clock.advance(60_000);
    const f = await reply;
    assert.equal(f.t === 'token.deny' && f.code, 'denied');
    assert.ok(audit.some((a) => a.event === 'unlock.denied' && a.outcome === 'timeout'), 'the unanswered unlock is audited as timed out');
  });

  it('refuses a p6 child asking for a vSphere endpoint as not_allowed, audited, without a prompt', async () => {
    const { broker, approver, audit } = makeBroker();
    const f = await ask(broker, recordingLink('p6'), 'vc1', 'x');
    assert.equal(f.t === 'token.deny' && f.code, 'not_allowed');
    assert.equal(approver.prompts.length, 0);
    assert.ok(audit.some((a) => a.event === 'token.denied' && a.code === 'not_allowed' && a.server === 'p6' && a.endpoint === 'vc1'), 'the refusal of vc1 to p6 is audited as not_allowed');
  });

  it('answers an unknown endpoint with invalid', async () => {
    const { broker } = makeBroker();
    const f = await ask(broker, recordingLink('vsphere'), 'nope', 'x');
    assert.equal(f.t === 'token.deny' && f.code, 'invalid');
  });

  it('reports login_failed after exactly one login and asks the user again next time', async () => {
    const { broker, approver, vsphere, audit } = makeBroker({ password: 'wrong' });
    const link = recordingLink('vsphere');
    const f = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    assert.equal(f.t === 'token.deny' && f.code, 'login_failed');
    assert.equal(vsphere.logins, 1);
    assert.ok(audit.some((a) => a.event === 'session.failed' && a.code === 'login_failed'), 'the failed login is audited');
    // no silent second attempt with the same bad password
    await askAnswered(broker, approver, link, 'vc1', 'b', 'deny');
    assert.equal(vsphere.logins, 1);
  });

  it('renews a stale token by logging in again while unlocked, without a prompt', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const g = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    assert.ok(g.t === 'token.grant', 'the first request gets a token');
    const renewed = await ask(broker, link, 'vc1', 'b', g.token);
    assert.ok(renewed.t === 'token.grant' && renewed.token !== g.token, 'the renewal gets a new token');
    // A renew naming an already-replaced token gets the current one, not a third login.
    const late = await ask(broker, link, 'vc1', 'c', g.token);
    assert.ok(late.t === 'token.grant' && late.token === (renewed.t === 'token.grant' ? renewed.token : ''), 'a renewal naming the replaced token gets the current one');
    assert.equal(vsphere.logins, 2);
    assert.equal(approver.prompts.length, 1);
  });

  it('lock logs out, revokes every child of that kind and withdraws pending prompts', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const a = recordingLink('vsphere', 'vsphere#1');
    const b = recordingLink('vsphere', 'vsphere#2');
    const p6 = recordingLink('p6');
    await askAnswered(broker, approver, a, 'vc1', 'a', 'allow-ttl');
    broker.attachChild(b);
    broker.attachChild(p6);
    assert.deepEqual(await broker.lock('vc1'), { locked: ['domain:corp.example'], notLoggedOut: [] });
    assert.deepEqual(vsphere.logouts, ['tok-vc1-1']);
    for (const l of [a, b]) assert.ok(l.frames.some((f) => f.t === 'token.revoke' && f.endpoint === 'vc1'), 'each child is told vc1\'s token is revoked');
    assert.equal(p6.frames.length, 0);
    assert.equal(broker.endpointStatus().find((e) => e.id === 'vc1')?.lock, 'locked');

    const pending = approver.nextPrompt();
    const waiting = ask(broker, a, 'vc1', 'w');
    await pending;
    await broker.lock();
    const f = await waiting;
    assert.equal(f.t === 'token.deny' && f.code, 'locked');
  });

  it('throws away a login that finishes after the credential was locked', async () => {
    const { broker, approver, vsphere } = makeBroker();
    let open!: () => void;
    vsphere.gate = new Promise((r) => { open = r; });
    const r = askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    await new Promise((res) => setImmediate(res));
    const locked = broker.lock('vc1');
    open();
    const f = await r;
    assert.equal(f.t === 'token.deny' && f.code, 'locked');
    await locked;
    assert.deepEqual(vsphere.logouts, ['tok-vc1-1']);
  });

  it('never puts the password in a frame, a prompt or the audit trail', async () => {
    const { broker, approver, audit } = makeBroker();
    const link = recordingLink('vsphere');
    await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    const everything = JSON.stringify({ frames: link.frames, prompts: approver.prompts, audit, status: broker.endpointStatus() });
    assert.ok(!everything.includes(PASSWORD), 'no frame, prompt, audit record or status holds the password');
    assert.ok(!JSON.stringify(audit).includes('tok-vc1-1'), 'tokens are not audited');
  });
});
