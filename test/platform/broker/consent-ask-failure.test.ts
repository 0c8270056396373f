// Consent shares one prompt per credential; a prompt that could not even be asked (its audit
// record failed) must not stay behind as the prompt every later asker waits on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { Consent } from '../../../src/platform/broker/consent.js';
import { UnlockCache } from '../../../src/platform/broker/unlock-cache.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { at } from './broker-harness.js';

describe('Consent when asking fails', () => {
  it('a failed ask is not shared with the next asker, who gets a prompt of its own', async () => {
    const clock = new ManualClock();
    const pending = new PendingApprovals();
    const audit: AuditInput[] = [];
    let broken = true;
    const consent = new Consent({
      approver: pending, cache: new UnlockCache(clock), clock, newApprovalId: () => pending.newId(), promptTimeoutMs: () => 60_000,
      audit: { append: (r) => { if (broken) throw new Error('disk full'); audit.push(r); } },
    });
    const who = { client: 'claude-ai', server: 'vsphere' };
    await assert.rejects(consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), who), /disk full/);
    broken = false;
    const second = consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), who);
    const [shown] = pending.list();
    assert.ok(shown, 'the second asker got a prompt of its own');
    pending.decide(shown.id, 'allow-ttl');
    assert.equal(await second, 'ttl');
    assert.deepEqual(audit.map((r) => r.event), ['unlock.requested', 'unlock.approved']);
  });

  it('a withdrawn prompt whose record failed does not take the next prompt with it: later askers share the one shown', async () => {
    const clock = new ManualClock();
    const shown: AbortSignal[] = [];
    let failDenied = true;
    let n = 0;
    const consent = new Consent({
      approver: {
        request: (_r, signal) => {
          shown.push(signal);
          return new Promise((res) => signal.addEventListener('abort', () => res('deny'), { once: true }));
        },
      },
      cache: new UnlockCache(clock), clock, newApprovalId: () => `id${++n}`, promptTimeoutMs: () => 60_000,
      audit: { append: (r) => { if (failDenied && r.event === 'unlock.denied') throw new Error('disk full'); } },
    });
    const who = { client: 'claude-ai', server: 'vsphere' };
    const gone = new AbortController();
    const first = consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), who, gone.signal);
    gone.abort(new Error('cancelled'));
    // A new asker while the first prompt is still being withdrawn gets a prompt of its own...
    const second = new AbortController();
    const two = consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), who, second.signal);
    await assert.rejects(first, /cancelled/);
    assert.equal(shown.length, 2, 'the second asker got no prompt of its own');
    // ...and the first prompt's failed withdrawal record must not drop it from the shared map.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    failDenied = false;
    const third = new AbortController();
    const three = consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), who, third.signal);
    assert.equal(shown.length, 2, 'a third asker got a second prompt for one credential');
    second.abort(new Error('done'));
    third.abort(new Error('done'));
    await assert.rejects(two, /done/);
    await assert.rejects(three, /done/);
  });
});
