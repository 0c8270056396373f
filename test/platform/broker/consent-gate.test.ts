// The consent gate's every outcome: what the asker gets (mode or a TokenDenied with one
// clear line), what is cached, and the exact audit record. Written against Consent itself
// with a hand-answered approver and ManualClock; found by mutation testing (docs/TESTING.md).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalDecision, ApprovalRequest } from '../../../src/base/contracts/approval.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { Consent } from '../../../src/platform/broker/consent.js';
import { TokenDenied } from '../../../src/platform/broker/token-denied.js';
import { UnlockCache } from '../../../src/platform/broker/unlock-cache.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { at } from './broker-harness.js';

const WHO = { client: 'claude-ai', server: 'vsphere' };

function setup(answer?: (r: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalDecision>) {
  const clock = new ManualClock();
  const cache = new UnlockCache(clock);
  const audit: AuditInput[] = [];
  const requests: ApprovalRequest[] = [];
  let decide: (d: ApprovalDecision) => void = () => undefined;
  let n = 0;
  const consent = new Consent({
    approver: {
      request: (r, signal) => {
        requests.push(r);
        if (answer) return answer(r, signal);
        return new Promise<ApprovalDecision>((res) => {
          decide = res;
          signal.addEventListener('abort', () => res('deny'), { once: true }); // As the real approvers do.
        });
      },
    },
    cache, clock, audit: { append: (r) => void audit.push(r) }, newApprovalId: () => `id${++n}`, promptTimeoutMs: () => 60_000,
  });
  return { consent, cache, clock, audit, requests, decide: (d: ApprovalDecision) => decide(d) };
}

const denied = (code: string, message: string) => (e: unknown) => {
  assert.ok(e instanceof TokenDenied, 'the refusal is a TokenDenied');
  assert.deepEqual([e.code, e.message], [code, message]);
  return true;
};
const tick = () => new Promise((r) => setImmediate(r));

describe('Consent outcomes', () => {
  it('allow-ttl: unlocks for the TTL, audits the approval with its TTL', async () => {
    const t = setup();
    const p = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO);
    await tick();
    assert.deepEqual(t.requests[0], {
      id: 'id1', client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
      subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 3600, hosts: ['vc1.corp.example'] }, createdAt: t.clock.now(), expiresAt: t.clock.now() + 60_000,
    });
    assert.deepEqual(t.audit[0], { event: 'unlock.requested', credential: 'endpoint:vc1', endpoint: 'vc1', client: 'claude-ai', server: 'vsphere', hosts: ['vc1.corp.example'], approvalId: 'id1', ttlSeconds: 3600 });
    t.clock.advance(1500);
    t.decide('allow-ttl');
    assert.equal(await p, 'ttl');
    assert.equal(t.consent.unlockedUntil('endpoint:vc1'), t.clock.now() + 3600 * 1000);
    assert.deepEqual(t.audit[1], { event: 'unlock.approved', credential: 'endpoint:vc1', endpoint: 'vc1', client: 'claude-ai', server: 'vsphere', hosts: ['vc1.corp.example'], approvalId: 'id1', outcome: 'ok', durationMs: 1500, ttlSeconds: 3600, reason: undefined });
    // Unlocked: no second prompt, no second audit line.
    assert.equal(await t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO), 'ttl');
    assert.equal(t.requests.length, 1);
    assert.equal(t.clock.pendingTimers, 1, 'only the unlock expiry timer is left; the prompt timer is gone');
  });

  it('allow-once: nothing is cached, the audit says so with ttlSeconds 0', async () => {
    const t = setup();
    const p = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO);
    await tick();
    t.decide('allow-once');
    assert.equal(await p, 'once');
    assert.equal(t.consent.unlockedUntil('endpoint:vc1'), undefined);
    assert.deepEqual(t.audit[1], { event: 'unlock.approved', credential: 'endpoint:vc1', endpoint: 'vc1', client: 'claude-ai', server: 'vsphere', hosts: ['vc1.corp.example'], approvalId: 'id1', outcome: 'ok', durationMs: 0, ttlSeconds: 0, reason: 'allow once' });
    assert.equal(t.clock.pendingTimers, 0);
  });

  it('deny: refused with a line saying what to do, audited as denied', async () => {
    const t = setup();
    const p = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO);
    await tick();
    t.decide('deny');
    await assert.rejects(p, denied('denied', "access to vc1 was denied by the user; ask them to approve it, or run 'keybroker approvals'"));
    assert.deepEqual(t.audit[1], { event: 'unlock.denied', credential: 'endpoint:vc1', endpoint: 'vc1', client: 'claude-ai', server: 'vsphere', hosts: ['vc1.corp.example'], approvalId: 'id1', outcome: 'denied', durationMs: 0 });
  });

  it('an unanswered prompt times out after promptTimeoutMs as a denial', async () => {
    const t = setup();
    const p = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO);
    await tick();
    t.clock.advance(59_999);
    await tick();
    assert.equal(t.audit.length, 1, 'still waiting');
    t.clock.advance(1);
    await assert.rejects(p, denied('denied', "nobody answered the unlock prompt for vc1 within 60 s; ask again and approve the prompt (or 'keybroker approve ID')"));
    assert.equal(t.audit[1]?.outcome, 'timeout');
    assert.equal(t.audit[1]?.durationMs, 60_000);
  });

  it('cancel() withdraws the prompt: locked, audited as cancelled, and a racing "allow" is ignored', async () => {
    // The approver raced an "allow" in after the withdrawal.
    const t = setup((_r, signal) => new Promise((res) => signal.addEventListener('abort', () => res('allow-ttl'))));
    const p = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO);
    await tick();
    t.consent.cancel('endpoint:vc1');
    await assert.rejects(p, denied('locked', 'vc1 was locked while waiting for approval; ask again to get a new prompt'));
    assert.equal(t.audit[1]?.outcome, 'cancelled');
    assert.equal(t.consent.unlockedUntil('endpoint:vc1'), undefined);
  });

  it('cancelAll() withdraws every prompt; cancel() of another credential leaves this one', async () => {
    const t = setup((_r, signal) => new Promise((res) => signal.addEventListener('abort', () => res('allow-ttl'))));
    const a = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO);
    const b = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO);
    await tick();
    t.consent.cancel('endpoint:other');
    await tick();
    assert.equal(t.audit.filter((x) => x.event === 'unlock.denied').length, 0);
    t.consent.cancelAll();
    await assert.rejects(a, denied('locked', 'vc1 was locked while waiting for approval; ask again to get a new prompt'));
    await assert.rejects(b, denied('locked', 'pm was locked while waiting for approval; ask again to get a new prompt'));
  });

  it('a broken approver fails closed', async () => {
    const t = setup(async () => { throw new Error('popup crashed'); });
    await assert.rejects(t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO), denied('denied', "the unlock prompt for vc1 could not be shown; check 'keybroker status' and ask again"));
  });

  it('concurrent askers share one prompt; a new prompt follows once it is answered', async () => {
    const t = setup();
    const a = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO);
    const b = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), { client: 'other', server: 'vsphere' });
    await tick();
    assert.equal(t.requests.length, 1);
    t.decide('allow-once');
    assert.deepEqual(await Promise.all([a, b]), ['once', 'once']);
    const c = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO);
    await tick();
    assert.equal(t.requests.length, 2, 'allow-once is not cached: the next use asks again');
    t.decide('deny');
    await assert.rejects(c, 'the denied request is refused');
  });

  it('forget() drops the unlock so the next use asks again', async () => {
    const t = setup();
    t.cache.unlock('endpoint:vc1', 3600_000, ['vc1.corp.example']);
    assert.equal(await t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO), 'ttl');
    t.consent.forget('endpoint:vc1');
    const p = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), WHO);
    await tick();
    assert.equal(t.requests.length, 1);
    t.decide('deny');
    await assert.rejects(p, 'the denied request is refused');
  });
});
