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
});
