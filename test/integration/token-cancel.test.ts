// X1-cancel: a request for a session that its child cancels stops waiting, and the unlock
// prompt goes only with its last requester. Before, `token.request` could not be taken back:
// a tool call cancelled while the credential was locked left the prompt up for a call nobody
// wanted. Real parts: an in-process Host on a test home (private Secret Service, the P6 fake),
// real forked children speaking the real TokenClient over the framed fd-3 channel, approvals
// queued in PendingApprovals. Orderings are made with round trips (`ping`), never with sleeps.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
import { startTokenChild } from '../support/token-child.js';
import type { Host } from '../../src/platform/host/host.js';
import type { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { startP6HomeWorld, type P6HomeWorld } from '../support/p6-home-world.js';
import { readAudit } from '../support/audit-file.js';

const PASSWORD = 'p6-Cancel:secret';
const HANG = { timeout: 30_000 };

describe('a cancelled token request (token.cancel)', () => {
  let world: P6HomeWorld | undefined;
  let home: string;
  let host: Host;
  let pending: PendingApprovals;

  /** The one pending unlock prompt's id, once it is up. */
  const prompt = () => waitFor('an unlock prompt', () => pending.list()[0]?.id, 20_000);
  /** The audit record that ended approval `id` (written just after the prompt went). */
  const ended = (id: string) => waitFor(`the end of approval ${id}`, () => {
    host.audit.flush();
    return readAudit(home).find((r) => r.approvalId === id && r.event !== 'unlock.requested');
  }, 20_000);

  before(async () => {
    world = await startP6HomeWorld({ password: PASSWORD, prefix: 'kb-token-cancel-', addArgs: ['--no-verify'] });
    ({ home, host, pending } = world);
  });
  after(async () => {
    await world?.stop();
  });

  it('the only requester cancels: it stops waiting, the prompt is withdrawn and audited as withdrawn', HANG, async () => {
    const child = await startTokenChild(host, 'p6', 'p6-a');
    try {
      const tag = child.ask('pm');
      const id = await prompt();
      child.cancel(tag);
      const answer = await child.answer(tag);
      assert.ok(!answer.ok && answer.code === 'AbortError', `the child's wait ends with its cancellation: ${JSON.stringify(answer)}`);
      const record = await ended(id);
      assert.equal(record.event, 'unlock.denied', 'the withdrawn prompt is recorded as not allowed');
      assert.equal(record.outcome, 'cancelled', 'as cancelled, not as denied by the user');
      assert.match(record.reason ?? '', /withdrawn: every request waiting for it was cancelled/, 'with why');
      assert.deepEqual(pending.list(), [], 'nothing is left for the person to answer');
      const token = await waitFor('the token record', () => readAudit(home).find((r) => r.event === 'token.denied' && r.outcome === 'cancelled' && r.server === 'p6-a'), 20_000);
      assert.match(token.reason ?? '', /stopped waiting/, 'the request is recorded as cancelled');
    } finally {
      await child.stop();
    }
  });

  it('a child cannot cancel another child\'s request; the prompt stays until its last requester cancels', HANG, async () => {
    const one = await startTokenChild(host, 'p6', 'p6-one');
    const two = await startTokenChild(host, 'p6', 'p6-two');
    try {
      const first = one.ask('pm'); // one's request id t1
      const id = await prompt();
      await two.ping(); // two's counter moves on: its own request will be t2, not t1
      const second = two.ask('pm');
      await two.ping(); // two's request now waits on the same prompt
      // Security: `t1` is one's request; from two it names nothing of two's.
      two.raw({ ch: 'broker', t: 'token.cancel', id: 't1' });
      two.cancel(second);
      assert.equal((await two.answer(second)).ok, false, 'two stopped waiting');
      await two.ping();
      // Had two's forged cancel taken one's request away, nobody would wait and the prompt would be gone.
      assert.deepEqual(pending.list().map((a) => a.id), [id], 'the prompt stays while one still waits');
      assert.equal(one.answered(first), false, 'one still waits');

      one.cancel(first);
      assert.equal((await one.answer(first)).ok, false, 'one stopped waiting');
      assert.equal((await ended(id)).outcome, 'cancelled', 'the prompt went with its last requester');
      assert.deepEqual(pending.list(), [], 'nothing is left to answer');
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  it('the requester a shared prompt names cancels: `keybroker approvals` names the one still waiting, and approving serves it (Z3-renew)', HANG, async () => {
    const one = await startTokenChild(host, 'p6', 'p6-first');
    const two = await startTokenChild(host, 'p6', 'p6-second');
    const listed = async () => {
      const r = await runKeybroker(['approvals', '--json'], { env: world!.env });
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as ApprovalRequest[]).map((a) => [a.id, a.server, a.client]);
    };
    try {
      const first = one.ask('pm');
      const id = await prompt();
      await two.ping();
      const second = two.ask('pm');
      await two.ping(); // two's request now waits on the same prompt
      assert.deepEqual(await listed(), [[id, 'p6-first', 'p6-first server']], 'the prompt names its first requester');
      one.cancel(first);
      assert.equal((await one.answer(first)).ok, false, 'one stopped waiting');
      await one.ping();
      // Before: still [id, 'p6-first', …], a requester nobody waits for any more.
      assert.deepEqual(await listed(), [[id, 'p6-second', 'p6-second server']], 'the prompt names a requester that cancelled');
      const approve = await runKeybroker(['approve', id, '--once'], { env: world!.env });
      assert.equal(approve.code, 0, approve.stderr);
      const grant = await two.answer(second);
      assert.ok(grant.ok, `the requester still waiting got its session: ${JSON.stringify(grant)}`);
      const record = await ended(id);
      assert.deepEqual([record.event, record.server], ['unlock.approved', 'p6-second'], 'the approval is recorded for the requester the person saw');
    } finally {
      await one.stop();
      await two.stop();
      await host.lock(undefined);
    }
  });

  it('of two calls in one child sharing the request, one cancels: the other is granted once the person allows', HANG, async () => {
    const child = await startTokenChild(host, 'p6', 'p6-shared');
    try {
      const cancelled = child.ask('pm');
      const kept = child.ask('pm');
      const id = await prompt();
      child.cancel(cancelled);
      assert.equal((await child.answer(cancelled)).ok, false, 'the cancelled call stopped waiting');
      await child.ping();
      assert.deepEqual(pending.list().map((a) => a.id), [id], 'the prompt stays for the other call');
      pending.decide(id, 'allow-once');
      const grant = await child.answer(kept);
      assert.ok(grant.ok, `the other call got its session: ${JSON.stringify(grant)}`);
    } finally {
      await child.stop();
      await host.lock(undefined);
    }
  });

  it('a child that goes away withdraws the prompt its requests waited on', HANG, async () => {
    const child = await startTokenChild(host, 'p6', 'p6-gone');
    child.ask('pm');
    const id = await prompt();
    await child.stop();
    assert.equal((await ended(id)).outcome, 'cancelled', 'the prompt went with the child');
    assert.deepEqual(pending.list(), [], 'nothing is left to answer');
  });
});
