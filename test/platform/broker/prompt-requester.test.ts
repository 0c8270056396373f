// Z3-renew: a shared unlock prompt names a requester that still waits. Before, it kept naming
// its first requester after that one cancelled (D186's token.cancel): the person approved "for
// claude-ai" an unlock that went to another client. Consent with the real PendingApprovals (the
// queue `keybroker approvals` and the popup read) and ManualClock; the forked children and the
// CLI list are in test/integration/token-cancel.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { Consent, type Requester } from '../../../src/platform/broker/consent.js';
import { UnlockCache } from '../../../src/platform/broker/unlock-cache.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { at } from './broker-harness.js';

const tick = () => new Promise((r) => setImmediate(r));

function setup(options: { renames?: boolean } = {}) {
  const clock = new ManualClock();
  const pending = new PendingApprovals();
  const audit: AuditInput[] = [];
  let n = 0;
  // An approver that cannot rename a shown prompt has no `retarget` (Approver makes it optional).
  const approver = options.renames === false ? { request: pending.request.bind(pending) } : pending;
  const consent = new Consent({
    approver, cache: new UnlockCache(clock), clock, audit: { append: (r) => void audit.push(r) },
    newApprovalId: () => `id${++n}`, promptTimeoutMs: () => 60_000,
  });
  let changes = 0;
  pending.onDidChange(() => void changes++);
  /** Ask as `who`; the returned controller cancels this request. */
  const ask = (who: Requester, signal: AbortSignal | undefined = new AbortController().signal, target = at('pm')) => {
    const p = consent.ensureUnlocked('endpoint:pm', 3600, target, who, signal);
    p.catch(() => undefined);
    return p;
  };
  const shown = () => pending.list().map((r) => [r.id, r.client, r.server]);
  return { clock, pending, audit, consent, ask, shown, changes: () => changes };
}

const A = { client: 'claude-ai', server: 'p6-one' };
const B = { client: 'cursor', server: 'p6-two' };
const C = { client: 'zed', server: 'p6-three' };

describe('a shared unlock prompt names a requester still waiting', () => {
  it('the named requester cancels: the same prompt now names the oldest one still waiting, and the answer\'s record names it', async () => {
    const t = setup();
    const a = new AbortController();
    const b = new AbortController();
    const first = t.ask(A, a.signal);
    const second = t.ask(B, b.signal);
    const third = t.ask(C);
    await tick();
    assert.deepEqual(t.shown(), [['id1', 'claude-ai', 'p6-one']], 'one prompt, naming the first requester');
    a.abort();
    await assert.rejects(first, { name: 'AbortError' });
    await tick();
    assert.deepEqual(t.shown(), [['id1', 'cursor', 'p6-two']], 'the prompt still names the requester that cancelled');
    b.abort();
    await assert.rejects(second, { name: 'AbortError' });
    await tick();
    assert.deepEqual(t.shown(), [['id1', 'zed', 'p6-three']], 'the prompt does not name the last one waiting');
    t.pending.decide('id1', 'allow-once');
    assert.equal(await third, 'once', 'the one still waiting is allowed');
    const answered = t.audit.find((r) => r.event === 'unlock.approved');
    assert.deepEqual([answered?.client, answered?.server, answered?.approvalId], ['zed', 'p6-three', 'id1'], 'the approval is recorded for the requester the person saw');
    const requested = t.audit.find((r) => r.event === 'unlock.requested');
    assert.deepEqual([requested?.client, requested?.server], ['claude-ai', 'p6-one'], 'the request is recorded as it was made');
  });

  it('a requester other than the named one cancels: nothing changes on screen', async () => {
    const t = setup();
    const b = new AbortController();
    t.ask(A);
    const second = t.ask(B, b.signal);
    await tick();
    const before = t.changes();
    b.abort();
    await assert.rejects(second, { name: 'AbortError' });
    await tick();
    assert.deepEqual(t.shown(), [['id1', 'claude-ai', 'p6-one']], 'the named requester changed');
    assert.equal(t.changes(), before, 'the queue announced a change that was none');
  });

  it('the named requester cancels and the next one waiting is the same client and server: the prompt is left as it is', async () => {
    const t = setup();
    const a = new AbortController();
    const first = t.ask(A, a.signal);
    t.ask({ ...A });
    await tick();
    const before = t.changes();
    a.abort();
    await assert.rejects(first, { name: 'AbortError' });
    await tick();
    assert.deepEqual(t.shown(), [['id1', 'claude-ai', 'p6-one']]);
    assert.equal(t.changes(), before, 'the queue announced a change that was none');
  });

  it('the named requester cancels and the next one waiting differs only in client, or only in server: the prompt names it', async () => {
    for (const next of [{ client: 'cursor', server: A.server }, { client: A.client, server: 'p6-two' }]) {
      const t = setup();
      const a = new AbortController();
      const first = t.ask(A, a.signal);
      const second = t.ask(next);
      await tick();
      a.abort();
      await assert.rejects(first, { name: 'AbortError' });
      await tick();
      assert.deepEqual(t.shown(), [['id1', next.client, next.server]], `the prompt still names ${A.client} through ${A.server}, not ${next.client} through ${next.server}`);
      t.pending.decide('id1', 'allow-once');
      assert.equal(await second, 'once', 'the one still waiting is allowed');
      const answered = t.audit.find((r) => r.event === 'unlock.approved');
      assert.deepEqual([answered?.client, answered?.server], [next.client, next.server], 'the approval is recorded for the requester the person saw');
    }
  });

  it('with an approver that cannot rename its prompt (no retarget), the named requester\'s cancel leaves the prompt and its record as they were', async () => {
    const t = setup({ renames: false });
    const a = new AbortController();
    const first = t.ask(A, a.signal);
    const second = t.ask(B);
    await tick();
    a.abort();
    await assert.rejects(first, { name: 'AbortError' }, 'the requester that cancelled gets its own abort, not an error of the rename');
    await tick();
    assert.deepEqual(t.shown(), [['id1', 'claude-ai', 'p6-one']], 'the prompt is as the person saw it');
    t.pending.decide('id1', 'allow-once');
    assert.equal(await second, 'once', 'the one still waiting is allowed');
    const answered = t.audit.find((r) => r.event === 'unlock.approved');
    assert.deepEqual([answered?.client, answered?.server], ['claude-ai', 'p6-one'], 'the record names the requester the person saw, which the approver could not change');
  });

  it('a prompt that binds an unbound password (D222) is shared with no plain unlock of the same hosts, and says it binds', async () => {
    const t = setup();
    const plain = t.ask(A);
    const binding = t.ask(B, undefined, { ...at('pm'), unbound: true });
    await tick();
    const listed = t.pending.list();
    assert.deepEqual(listed.map((r) => [r.id, r.client]), [['id1', 'claude-ai'], ['id2', 'cursor']], 'the asker whose allow binds the password got a prompt of its own');
    const unbound = listed.map((r) => (r.subject.kind === 'unlock' ? r.subject.unbound : 'not an unlock'));
    assert.deepEqual(unbound, [undefined, true], 'only the binding prompt says that allowing binds the password');
    t.pending.decide('id1', 'allow-once');
    t.pending.decide('id2', 'deny');
    assert.equal(await plain, 'once', 'the plain unlock is allowed by its own answer');
    await assert.rejects(binding, /denied by the user/, 'the binding unlock is denied by its own answer');
  });

  it('every requester cancels: the prompt is withdrawn, its record names the last one named', async () => {
    const t = setup();
    const a = new AbortController();
    const b = new AbortController();
    const first = t.ask(A, a.signal);
    const second = t.ask(B, b.signal);
    await tick();
    a.abort();
    await assert.rejects(first, { name: 'AbortError' });
    await tick();
    b.abort();
    await assert.rejects(second, { name: 'AbortError' });
    await tick();
    assert.deepEqual(t.shown(), [], 'a prompt nobody waits for is still up');
    const withdrawn = t.audit.find((r) => r.event === 'unlock.denied');
    assert.deepEqual([withdrawn?.outcome, withdrawn?.client, withdrawn?.server], ['cancelled', 'cursor', 'p6-two'], 'the withdrawal names who it was last asked for');
  });

  it('an answered prompt is not renamed by a cancel racing the answer', async () => {
    const t = setup();
    const a = new AbortController();
    const first = t.ask(A, a.signal);
    const second = t.ask(B);
    await tick();
    t.pending.decide('id1', 'deny');
    a.abort();
    await assert.rejects(second, /denied by the user/);
    await assert.rejects(first, { name: 'AbortError' }, 'the requester that cancelled stopped waiting');
    const denied = t.audit.find((r) => r.event === 'unlock.denied');
    assert.deepEqual([denied?.client, denied?.server, denied?.outcome], ['claude-ai', 'p6-one', 'denied'], 'the person denied what they saw');
  });
});

describe('PendingApprovals.retarget', () => {
  it('names another requester on a pending request, keeping its id and place, and ignores ids not pending', async () => {
    const pending = new PendingApprovals();
    const base = { clientVerified: false, endpoint: 'pm', subject: { kind: 'unlock' as const, credential: 'endpoint:pm', ttlSeconds: 60, hosts: ['pm.example'] }, createdAt: 0, expiresAt: 60_000 };
    const one = pending.request({ id: 'x1', client: 'a', server: 's', ...base }, new AbortController().signal);
    pending.request({ id: 'x2', client: 'b', server: 's', ...base }, new AbortController().signal);
    let fired = 0;
    pending.onDidChange(() => void fired++);
    assert.equal(pending.retarget('x1', { client: 'c', server: 't' }), true, 'a pending request was not renamed');
    assert.deepEqual(pending.list().map((r) => [r.id, r.client, r.server, r.endpoint]), [['x1', 'c', 't', 'pm'], ['x2', 'b', 's', 'pm']]);
    assert.equal(fired, 1, 'the popup and `approvals --follow` are not told');
    assert.equal(pending.retarget('nope', { client: 'z', server: 'z' }), false, 'an unknown id was renamed');
    assert.equal(fired, 1, 'an unknown id announced a change');
    pending.decide('x1', 'allow-once');
    assert.equal(await one, 'allow-once', 'the retargeted request is answered as before');
    pending.dispose();
  });
});
