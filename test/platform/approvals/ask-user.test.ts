// The one ask-with-timeout-and-audit sequence behind unlock consent and tool approval
// (issue 13 item 5): every way a prompt ends, what it audits, and that a withdrawn prompt
// is a refusal even when an "allow" races in.
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalDecision, ApprovalRequest } from '../../../src/base/contracts/approval.js';
import type { Approver } from '../../../src/platform/approvals/approver.js';
import { askUser, type AskUserRequest } from '../../../src/platform/approvals/ask-user.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { ManualClock } from '../../mocks/manual-clock.js';

const ASK: AskUserRequest = {
  client: 'claude-ai', server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 3600, hosts: ['vc1.corp.example'] },
  timeoutMs: 60_000,
  events: { requested: 'unlock.requested', allowed: 'unlock.approved', denied: 'unlock.denied' },
  fields: { credential: 'endpoint:vc1', endpoint: 'vc1', client: 'claude-ai', server: 'vsphere' },
};

function setup(approver: Approver = new PendingApprovals()) {
  const clock = new ManualClock();
  const audit: AuditInput[] = [];
  const deps = { approver, clock, audit: { append: (r: AuditInput) => void audit.push(r) }, newApprovalId: () => 'abcdef01' };
  return { clock, audit, deps };
}

/** An approver that shows the prompt, then answers `late` even after it was withdrawn. */
class RacingApprover implements Approver {
  shown?: ApprovalRequest;
  private answer?: (d: ApprovalDecision) => void;
  request(request: ApprovalRequest): Promise<ApprovalDecision> {
    this.shown = request;
    return new Promise((resolve) => { this.answer = resolve; });
  }
  reply(d: ApprovalDecision): void {
    this.answer?.(d);
  }
}

describe('askUser', () => {
  it('shows one prompt with a deadline and an unverified client, and audits request and answer under one id', async () => {
    const pending = new PendingApprovals();
    const { clock, audit, deps } = setup(pending);
    const answer = askUser(deps, { ...ASK, requested: { ttlSeconds: 3600 } });
    const [shown] = pending.list();
    assert.equal(shown?.id, 'abcdef01');
    assert.equal(shown?.clientVerified, false);
    assert.equal(shown?.expiresAt, shown!.createdAt + 60_000);
    assert.deepEqual(audit, [{ event: 'unlock.requested', ...ASK.fields, approvalId: 'abcdef01', ttlSeconds: 3600 }]);
    clock.advance(1500);
    pending.decide('abcdef01', 'allow-once');
    assert.deepEqual(await answer, { outcome: 'allowed', decision: 'allow-once', timeoutMs: 60_000 });
    assert.deepEqual(audit[1], { event: 'unlock.approved', ...ASK.fields, approvalId: 'abcdef01', outcome: 'ok', durationMs: 1500 });
    assert.equal(clock.pendingTimers, 0);
  });

  it('a "deny" is denied; an unanswered prompt times out; a broken approver fails closed', async () => {
    const denied = setup();
    const d = askUser(denied.deps, ASK);
    (denied.deps.approver as PendingApprovals).decide('abcdef01', 'deny');
    assert.equal((await d).outcome, 'denied');
    assert.equal(denied.audit[1]?.outcome, 'denied');
    assert.equal(denied.audit[1]?.event, 'unlock.denied');

    const timed = setup();
    const t = askUser(timed.deps, ASK);
    timed.clock.advance(59_999);
    assert.equal(timed.audit.length, 1);
    timed.clock.advance(1);
    assert.deepEqual(await t, { outcome: 'timeout', decision: 'deny', timeoutMs: 60_000 });
    assert.equal(timed.audit[1]?.outcome, 'timeout');

    const broken = setup({ request: () => Promise.reject(new Error('no display')) });
    assert.equal((await askUser(broken.deps, ASK)).outcome, 'failed');
    assert.equal(broken.audit[1]?.outcome, 'failed');
  });

  it('Security: a withdrawn prompt is a refusal even when the approver answers "allow" afterwards', async () => {
    const racing = new RacingApprover();
    const { clock, audit, deps } = setup(racing);
    const withdraw = new AbortController();
    const answer = askUser(deps, { ...ASK, signal: withdraw.signal });
    withdraw.abort();
    racing.reply('allow-ttl');
    assert.deepEqual(await answer, { outcome: 'cancelled', decision: 'deny', timeoutMs: 60_000 });
    assert.equal(audit[1]?.event, 'unlock.denied');
    assert.equal(audit[1]?.outcome, 'cancelled');

    const late = new RacingApprover();
    const timed = setup(late);
    const t = askUser(timed.deps, ASK);
    timed.clock.advance(60_000);
    late.reply('allow-once');
    assert.equal((await t).outcome, 'timeout');
    assert.equal(clock.pendingTimers, 0);
  });

  it('runs `answered` before the answer is recorded, and adds its fields to that record only', async () => {
    const pending = new PendingApprovals();
    const { audit, deps } = setup(pending);
    let seenWhenAnswered = -1;
    const answer = askUser(deps, { ...ASK, answered: (a) => { seenWhenAnswered = audit.length; return { ttlSeconds: a.decision === 'allow-ttl' ? 3600 : 0 }; } });
    pending.decide('abcdef01', 'allow-ttl');
    await answer;
    assert.equal(seenWhenAnswered, 1);
    assert.equal(audit[0]?.ttlSeconds, undefined);
    assert.equal(audit[1]?.ttlSeconds, 3600);
  });
});

describe('askUser withdrawal', () => {
  it('a signal aborted before asking shows no prompt and is recorded as cancelled', async () => {
    const pending = new PendingApprovals();
    const { audit, deps } = setup(pending);
    const gaveUp = new AbortController();
    gaveUp.abort();
    let listed = 0;
    pending.onDidChange(() => void (listed = pending.list().length));
    assert.equal((await askUser(deps, { ...ASK, signal: gaveUp.signal })).outcome, 'cancelled');
    assert.equal(listed, 0);
    assert.deepEqual(audit.map((r) => [r.event, r.outcome]), [['unlock.requested', undefined], ['unlock.denied', 'cancelled']]);
  });

  it('stops listening to the caller\'s signal once answered', async () => {
    const pending = new PendingApprovals();
    const { deps } = setup(pending);
    const signal = new AbortController().signal;
    const removed = mock.method(signal, 'removeEventListener');
    const answer = askUser(deps, { ...ASK, signal });
    pending.decide('abcdef01', 'deny');
    await answer;
    assert.ok(removed.mock.calls.some((c) => c.arguments[0] === 'abort'), 'the abort listener is removed once the user answered');
  });
});
