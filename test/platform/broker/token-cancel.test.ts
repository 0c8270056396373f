// token.cancel at the broker (D186), written against Broker and Consent with the
// hand-answered approver and ManualClock of the other broker tests (no real part decides
// anything here the integration tests do not also show: test/integration/token-cancel.test.ts
// and cancel-while-locked.test.ts run the real children, host and CLI). These pin the exact
// records and rules for mutation testing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalDecision } from '../../../src/base/contracts/approval.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { Consent } from '../../../src/platform/broker/consent.js';
import { TokenDenied } from '../../../src/platform/broker/token-denied.js';
import { UnlockCache } from '../../../src/platform/broker/unlock-cache.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { makeBroker, recordingLink, at } from './broker-harness.js';

const WHO = { client: 'claude-ai', server: 'p6' };
const tick = () => new Promise((r) => setImmediate(r));
const ABANDONED = 'withdrawn: every request waiting for it was cancelled';

function consentSetup() {
  const clock = new ManualClock();
  const cache = new UnlockCache(clock);
  const audit: AuditInput[] = [];
  const shown: AbortSignal[] = [];
  let decide: (d: ApprovalDecision) => void = () => undefined;
  let n = 0;
  const consent = new Consent({
    approver: {
      request: (_r, signal) => {
        shown.push(signal);
        return new Promise<ApprovalDecision>((res) => {
          decide = res;
          signal.addEventListener('abort', () => res('deny'), { once: true });
        });
      },
    },
    cache, clock, audit: { append: (r) => void audit.push(r) }, newApprovalId: () => `id${++n}`, promptTimeoutMs: () => 60_000,
  });
  return { consent, audit, shown, decide: (d: ApprovalDecision) => decide(d) };
}

describe('Consent with cancellable askers', () => {
  it('the only asker cancels: it rejects with its reason at once, the prompt is withdrawn and audited as withdrawn', async () => {
    const t = consentSetup();
    const abort = new AbortController();
    const p = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO, abort.signal);
    await tick();
    assert.equal(t.shown.length, 1, 'one prompt');
    abort.abort(new Error('the call went'));
    await assert.rejects(p, /the call went/);
    assert.ok(t.shown[0]!.aborted, 'the prompt is withdrawn');
    await tick();
    assert.deepEqual(t.audit.at(-1), { event: 'unlock.denied', credential: 'endpoint:pm', endpoint: 'pm', client: 'claude-ai', server: 'p6', hosts: ['pm.corp.example'], approvalId: 'id1', outcome: 'cancelled', durationMs: 0, reason: ABANDONED });
  });

  it('of two askers one cancels: the prompt stays, and the other gets the answer', async () => {
    const t = consentSetup();
    const leaving = new AbortController();
    const gone = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO, leaving.signal);
    const staying = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO, new AbortController().signal);
    await tick();
    leaving.abort();
    await assert.rejects(gone, { name: 'AbortError' });
    assert.equal(t.shown[0]!.aborted, false, 'the prompt stays for the other asker');
    t.decide('allow-once');
    assert.equal(await staying, 'once', 'the other asker is allowed');
    assert.equal(t.shown.length, 1, 'one prompt for both');
  });

  it('an asker without a signal keeps the prompt up when every other asker cancels', async () => {
    const t = consentSetup();
    const leaving = new AbortController();
    const gone = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO, leaving.signal);
    const plain = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO);
    await tick();
    leaving.abort();
    await assert.rejects(gone, { name: 'AbortError' });
    assert.equal(t.shown[0]!.aborted, false, 'an asker without a signal never goes');
    t.decide('deny');
    await assert.rejects(plain, TokenDenied);
  });

  it('an asker already cancelled shows no prompt; after a withdrawal the next asker gets a prompt of its own', async () => {
    const t = consentSetup();
    const before = new AbortController();
    before.abort();
    await assert.rejects(t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO, before.signal), { name: 'AbortError' });
    assert.equal(t.shown.length, 0, 'nothing shown for a request already cancelled');
    const first = new AbortController();
    const p1 = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO, first.signal);
    await tick();
    first.abort();
    await assert.rejects(p1, { name: 'AbortError' });
    // Asked again before the withdrawn prompt's answer arrived: not joined to the abandoned one.
    const p2 = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO, new AbortController().signal);
    await tick();
    assert.equal(t.shown.length, 2, 'a new prompt');
    assert.equal(t.shown[1]!.aborted, false, 'and it is up');
    t.decide('allow-ttl');
    assert.equal(await p2, 'ttl');
  });

  it('a lock while asking still says locked, not withdrawn', async () => {
    const t = consentSetup();
    const p = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO, new AbortController().signal);
    await tick();
    t.consent.cancel('endpoint:pm');
    await assert.rejects(p, (e: unknown) => e instanceof TokenDenied && e.code === 'locked');
    await tick();
    assert.equal(t.audit.at(-1)?.reason, undefined, 'no withdrawn reason on a lock');
  });
});

describe('Broker: token.cancel', () => {
  it('cancels only the sending child\'s own request; no answer follows, the cancel is audited', async () => {
    const t = makeBroker();
    const one = recordingLink('p6', 'p6#1');
    const two = recordingLink('p6', 'p6#2');
    const a = t.broker.attachChild(one);
    const b = t.broker.attachChild(two);
    const shown = t.approver.nextPrompt();
    a.accept({ ch: 'broker', t: 'token.request', id: 't1', endpoint: 'pm' });
    await shown;
    // Security: two has no request t1; one's must stay.
    b.accept({ ch: 'broker', t: 'token.cancel', id: 't1' });
    b.accept({ ch: 'broker', t: 'token.request', id: 't9', endpoint: 'pm' });
    b.accept({ ch: 'broker', t: 'token.cancel', id: 't9' });
    await tick();
    assert.equal(t.approver.prompts.length, 1, 'one prompt');
    assert.ok(t.audit.some((r) => r.event === 'token.denied' && r.server === 'p6' && r.outcome === 'cancelled'), 'two\'s own request was cancelled');
    assert.ok(!t.audit.some((r) => r.event === 'unlock.denied'), 'the prompt stays: one still waits');
    t.approver.answer('allow-once');
    for (;;) {
      if (one.frames.some((f) => f.t === 'token.grant' && f.id === 't1')) break;
      await tick();
    }
    assert.deepEqual(two.frames, [], 'a cancelled request gets no answer');
    assert.deepEqual(t.audit.filter((r) => r.event === 'token.denied').map((r) => [r.outcome, r.reason]), [['cancelled', 'the server stopped waiting: its tool call was cancelled or its client went away']]);
    a.dispose();
    b.dispose();
  });

  it('a request cancelled while its login runs gets no grant; the cancel is audited with the time it waited, the session kept for the next request', async () => {
    const t = makeBroker();
    let openLogin!: () => void;
    t.p6.gate = new Promise((r) => { openLogin = r; });
    const link = recordingLink('p6');
    const attached = t.broker.attachChild(link);
    const shown = t.approver.nextPrompt();
    attached.accept({ ch: 'broker', t: 'token.request', id: 't1', endpoint: 'pm' });
    await shown;
    t.approver.answer('allow-ttl');
    while (t.p6.logins === 0) await tick();
    t.clock.advance(1234);
    attached.accept({ ch: 'broker', t: 'token.cancel', id: 't1' });
    openLogin();
    while (!t.audit.some((r) => r.event === 'token.denied' || r.event === 'token.granted')) await tick();
    await tick();
    assert.equal(link.frames.length, 0, `a request cancelled during its login was answered: ${JSON.stringify(link.frames)}`);
    assert.ok(!t.audit.some((r) => r.event === 'token.granted'), 'a cancelled request was audited as granted');
    assert.deepEqual(t.audit.filter((r) => r.event === 'token.denied'), [
      { event: 'token.denied', endpoint: 'pm', server: 'p6', outcome: 'cancelled', reason: 'the server stopped waiting: its tool call was cancelled or its client went away', durationMs: 1234 },
    ], 'the cancel is audited once, with the time the request waited');
    attached.accept({ ch: 'broker', t: 'token.request', id: 't2', endpoint: 'pm' });
    while (!link.frames.some((f) => f.t === 'token.grant')) await tick();
    assert.equal(t.p6.logins, 1, 'the session made for the cancelled request was not kept for the next one');
    attached.dispose();
  });

  it('a child that goes away stops its requests waiting: the prompt is withdrawn', async () => {
    const t = makeBroker();
    const link = recordingLink('p6');
    const attached = t.broker.attachChild(link);
    const shown = t.approver.nextPrompt();
    attached.accept({ ch: 'broker', t: 'token.request', id: 't1', endpoint: 'pm' });
    await shown;
    attached.dispose();
    for (;;) {
      if (t.audit.some((r) => r.event === 'unlock.denied')) break;
      await tick();
    }
    assert.equal(t.audit.find((r) => r.event === 'unlock.denied')?.reason, ABANDONED, 'withdrawn because nobody waits');
    assert.deepEqual(link.frames, [], 'nothing is sent to a child that went');
  });

  it('an older request that finishes under a repeated id leaves the newer one cancellable', async () => {
    // Security (D186): a child may reuse an id; the newer request replaces the older in the
    // child's map. The older one finishing must not forget the newer, or its token.cancel is
    // lost and its prompt stays up after the call went.
    const t = makeBroker();
    let openLogin!: () => void;
    t.vsphere.gate = new Promise((r) => { openLogin = r; });
    const link = recordingLink('vsphere');
    const attached = t.broker.attachChild(link);
    const first = t.approver.nextPrompt();
    attached.accept({ ch: 'broker', t: 'token.request', id: 'x', endpoint: 'vc1' });
    await first;
    t.approver.answer('allow-once');
    while (t.vsphere.logins === 0) await tick();
    // The older request now waits for its login; the newer one, same id, for a prompt of its own.
    const second = t.approver.nextPrompt();
    attached.accept({ ch: 'broker', t: 'token.request', id: 'x', endpoint: 'vc2' });
    await second;
    openLogin();
    while (!link.frames.some((f) => f.t === 'token.grant' && f.id === 'x')) await tick();
    await tick();
    attached.accept({ ch: 'broker', t: 'token.cancel', id: 'x' });
    // An allow after the cancel reaches nobody when the cancel took; else it grants the newer request.
    t.approver.answer('allow-once');
    while (!t.audit.some((r) => r.endpoint === 'vc2' && (r.event === 'token.denied' || r.event === 'token.granted'))) await tick();
    assert.deepEqual(t.audit.filter((r) => r.event === 'token.denied').map((r) => [r.endpoint, r.outcome]), [['vc2', 'cancelled']], 'the newer request was cancelled');
    assert.equal(t.approver.prompts.length, 2, 'two prompts: one per request');
    assert.equal(link.frames.filter((f) => f.t === 'token.grant').length, 1, 'only the older request was granted');
    attached.dispose();
  });

  it('a token.cancel for no request, or after the answer, changes nothing', async () => {
    const t = makeBroker();
    const link = recordingLink('p6');
    const attached = t.broker.attachChild(link);
    attached.accept({ ch: 'broker', t: 'token.cancel', id: 'nothing' });
    const shown = t.approver.nextPrompt();
    attached.accept({ ch: 'broker', t: 'token.request', id: 't1', endpoint: 'pm' });
    await shown;
    t.approver.answer('allow-ttl');
    for (;;) {
      if (link.frames.some((f) => f.t === 'token.grant')) break;
      await tick();
    }
    attached.accept({ ch: 'broker', t: 'token.cancel', id: 't1' });
    await tick();
    assert.ok(!t.audit.some((r) => r.outcome === 'cancelled'), 'nothing was cancelled');
    assert.deepEqual(t.audit.filter((r) => r.event === 'frame.invalid'), [], 'a cancel is a valid frame');
    attached.dispose();
  });
});
