// Round 13 (C3-mutation): D229's bound on a child's token requests waiting for an unlock or a
// login, at the unit level, so the broker mutation area sees it (the end-to-end proof,
// test/integration/child-token-request-flood.test.ts, runs real children and is not in the
// area). Through the real Broker with the harness's fakes (approver, clock, upstream).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHILD_TOKEN_REQUESTS_WAITING } from '../../../src/platform/broker/token-service.js';
import { ask, askAnswered, makeBroker, recordingLink } from './broker-harness.js';
import { FORCED_RELOGIN_WINDOW_MS, LIVENESS_REUSE_MS } from '../../../src/platform/broker/forced-relogins.js';
import { until } from '../../support/wait.js';

const TOO_MANY = `too many token requests of the vsphere server wait for an unlock or a login (${CHILD_TOKEN_REQUESTS_WAITING}); ask again when one has been answered`;

describe('TokenService: the requests of a child waiting for an unlock or a login (D229)', () => {
  it('lets 256 wait, refuses the next at once with the child\'s pid, counts per child, and gives a place back when a request ends', async () => {
    const t = makeBroker();
    const evil = recordingLink('vsphere', 'vsphere#evil');
    const child = t.broker.attachChild(evil);
    const request = (id: string) => child.accept({ ch: 'broker', t: 'token.request', id, endpoint: 'vc1' });
    const answerTo = (id: string) => evil.frames.find((f) => f.t !== 'token.revoke' && f.id === id);
    const refused = (id: string) => {
      const f = answerTo(id);
      return f?.t === 'token.deny' && f.code === 'invalid' && f.message === TOO_MANY;
    };

    const shown = t.approver.nextPrompt();
    for (let i = 0; i < CHILD_TOKEN_REQUESTS_WAITING; i++) request(`r${i}`);
    await shown;
    assert.equal(evil.frames.length, 0, 'the first 256 wait for the prompt');
    request('over');
    // Synchronous: refused and audited while its frame is taken (the refused-frame budget counts it).
    assert.ok(refused('over'), `the 257th is refused at once: ${JSON.stringify(answerTo('over'))}`);
    assert.deepEqual(t.audit.filter((a) => a.event === 'token.denied'), [{ event: 'token.denied', endpoint: 'vc1', server: 'vsphere', pid: 4242, outcome: 'denied', code: 'invalid', reason: TOO_MANY, durationMs: 0 }], 'one refusal audited, with the child\'s pid');

    // Another child has its own count.
    const other = recordingLink('vsphere', 'vsphere#2');
    t.broker.attachChild(other).accept({ ch: 'broker', t: 'token.request', id: 'o1', endpoint: 'vc1' });
    assert.equal(other.frames.length, 0, 'another child\'s request waits');

    // A cancelled request gives its place back, once.
    child.accept({ ch: 'broker', t: 'token.cancel', id: 'r0' });
    await until('the cancelled request to end', () => t.audit.some((a) => a.outcome === 'cancelled'));
    request('again1');
    assert.equal(answerTo('again1'), undefined, 'a request takes the cancelled one\'s place and waits');
    request('again2');
    assert.ok(refused('again2'), 'one more is refused again');

    t.approver.answer('allow-ttl');
    await until('every waiting request to be granted', () => ['again1', ...Array.from({ length: CHILD_TOKEN_REQUESTS_WAITING - 1 }, (_, i) => `r${i + 1}`)].every((id) => answerTo(id)?.t === 'token.grant'));
    await until('the other child to be granted', () => other.frames.some((f) => f.t === 'token.grant'));

    // A request the held session answers never waits, and is not counted.
    for (let i = 0; i < CHILD_TOKEN_REQUESTS_WAITING + 44; i++) request(`held${i}`);
    await until('the held session\'s answers', () => Array.from({ length: CHILD_TOKEN_REQUESTS_WAITING + 44 }, (_, i) => answerTo(`held${i}`)).every((f) => f?.t === 'token.grant'));

    // Every place was given back: after a lock, 256 wait again and the next is refused.
    await t.broker.lock();
    const again = t.approver.nextPrompt();
    for (let i = 0; i < CHILD_TOKEN_REQUESTS_WAITING; i++) request(`s${i}`);
    await again;
    request('over2');
    assert.ok(refused('over2'), 'the bound is exactly 256 again');
    assert.equal(Array.from({ length: CHILD_TOKEN_REQUESTS_WAITING }, (_, i) => answerTo(`s${i}`)).filter(Boolean).length, 0, 'the 256 before it wait');
    t.approver.answer('deny');
    await until('the second round to be denied', () => answerTo(`s${CHILD_TOKEN_REQUESTS_WAITING - 1}`)?.t === 'token.deny');
  });
});

describe('TokenService: a renew inside the re-login window, its session checked with the upstream (D232)', () => {
  it('holds the renew while the upstream says the session lives, and logs in again once it says dead', async () => {
    const t = makeBroker();
    let alive = true;
    let checks = 0;
    // The fake upstream (no real vSphere here; renew-storm.test.ts runs this against vcsim) with a liveness check.
    (t.vsphere as unknown as { isAlive: () => Promise<boolean> }).isAlive = async () => {
      checks++;
      return alive;
    };
    const link = recordingLink('vsphere');
    const first = await askAnswered(t.broker, t.approver, link, 'vc1', 'a', 'allow-ttl');
    assert.ok(first.t === 'token.grant' && first.token === 'tok-vc1-1', `the first login: ${JSON.stringify(first)}`);
    const renewed = await ask(t.broker, link, 'vc1', 'b', 'tok-vc1-1');
    assert.ok(renewed.t === 'token.grant' && renewed.token === 'tok-vc1-2', `the window's one re-login: ${JSON.stringify(renewed)}`);
    const held = await ask(t.broker, link, 'vc1', 'c', 'tok-vc1-2');
    assert.ok(held.t === 'token.grant' && held.token === 'tok-vc1-2', `a renew of a live session inside the window is held: ${JSON.stringify(held)}`);
    assert.equal(checks, 1, 'the upstream was asked once');
    alive = false;
    t.clock.advance(LIVENESS_REUSE_MS);
    const dead = await ask(t.broker, link, 'vc1', 'd', 'tok-vc1-2');
    assert.ok(dead.t === 'token.grant' && dead.token === 'tok-vc1-3', `a session the upstream says is dead is logged in again: ${JSON.stringify(dead)}`);
    assert.equal(checks, 2, 'the upstream was asked again after the reuse time');
    // The new session's grant is written as a grant; the held renew only counted (Z3-renew).
    assert.deepEqual(t.audit.filter((a) => a.event === 'token.granted' && a.reason === undefined).map((a) => a.durationMs), [0, 0, 0], 'three grants written: the first login, the re-login, the login after the dead session');
    // The held renew is counted as a held renew, not as a repeated request (the `held` flag).
    t.clock.advance(FORCED_RELOGIN_WINDOW_MS);
    const counted = t.audit.filter((a) => a.event === 'token.granted' && a.reason !== undefined).map((a) => String(a.reason));
    assert.ok(counted.length === 1 && counted[0]!.startsWith('renews of the current token'), `the held renew counted as held: ${JSON.stringify(counted)}`);
  });
});
