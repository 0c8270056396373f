// Issue 11: an unlock that was not granted says why. Only a real "deny" is "denied by the
// user"; a timeout says nobody answered within the prompt's time; a broken approver says so.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalDecision } from '../../../src/base/contracts/approval.js';
import type { Approver } from '../../../src/platform/approvals/approver.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { Consent } from '../../../src/platform/broker/consent.js';
import { UnlockCache } from '../../../src/platform/broker/unlock-cache.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { ScriptedApprover, at } from './broker-harness.js';

function makeConsent(approver: Approver) {
  const clock = new ManualClock();
  const audit: AuditInput[] = [];
  const consent = new Consent({ approver, cache: new UnlockCache(clock), clock, audit: { append: (r) => void audit.push(r) }, newApprovalId: () => 'abcdef01', promptTimeoutMs: () => 60_000 });
  const unlock = () => consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1'), { client: 'claude-ai', server: 'vsphere' });
  return { consent, clock, audit, unlock };
}

describe('Consent outcomes', () => {
  it('says "denied by the user" only when the user denied', async () => {
    const approver = new ScriptedApprover();
    const { unlock, audit } = makeConsent(approver);
    const shown = approver.nextPrompt();
    const result = unlock();
    await shown;
    approver.answer('deny' satisfies ApprovalDecision);
    await assert.rejects(result, { code: 'denied', message: /^access to vc1 was denied by the user/ });
    assert.equal(audit.find((a) => a.event === 'unlock.denied')?.outcome, 'denied');
  });

  it('says nobody answered within 60 s when the prompt timed out, never "denied by the user"', async () => {
    const approver = new ScriptedApprover();
    const { unlock, clock, audit } = makeConsent(approver);
    const shown = approver.nextPrompt();
    const result = unlock();
    await shown;
    clock.advance(60_000);
    const error = await result.then(() => assert.fail('unlocked'), (e: Error) => e);
    assert.match(error.message, /^nobody answered the unlock prompt for vc1 within 60 s/);
    assert.doesNotMatch(error.message, /denied by the user/);
    assert.equal(audit.find((a) => a.event === 'unlock.denied')?.outcome, 'timeout');
  });

  it('says the prompt could not be shown when the approver broke, and fails closed', async () => {
    const broken: Approver = { request: () => Promise.reject(new Error('no display')) };
    const { unlock, audit } = makeConsent(broken);
    await assert.rejects(unlock(), { code: 'denied', message: /could not be shown/ });
    assert.equal(audit.find((a) => a.event === 'unlock.denied')?.outcome, 'failed');
  });
});
