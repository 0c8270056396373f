// Consent bound to a plan (issue 11) for P6, end to end: `keybroker serve`, the real
// `keybroker bridge`, the plan step in the dist/mcp/p6 child reading the P6 fake, approvals
// answered with the real CLI, and "someone else" changing the activity directly on the fake.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { P6Fake } from '../fixtures/p6/start-p6-fake.js';
import { startBridgedP6, type BridgedP6 } from '../support/bridged-p6.js';
import { readAudit } from '../support/audit-file.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';

const PASSWORD = 'Pl4nner:plans';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('P6 writes: plan with before/after from P6, approval bound to it (issue 11)', () => {
  let world: BridgedP6 | undefined;
  let fake: P6Fake;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  let activity: Record<string, unknown>;
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin });
  const { approvals, nextToolApproval } = cliApprovals(cli);
  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
  const audit = () => readAudit(home);

  before(async () => {
    world = await startBridgedP6({
      fake: { users: [{ username: 'planner', password: PASSWORD }], dataset: { projects: 3, bigProjectActivities: 40, bigProjectWbs: 4 } },
      homePrefix: 'kb-p6-plans-',
      endpoints: [{ name: 'pm', user: 'planner', password: PASSWORD }],
    });
    ({ fake, home, env, client } = world);
    activity = fake.store.rows('activity').find((r) => r['Status'] === 'Not Started')!;
    assert.ok(activity, 'the seed has a not-started activity');
    fake.store.update('activity', activity['ObjectId'] as number, { PercentComplete: 40, LastUpdateDate: '2026-11-30T09:12:00' });
  });
  after(async () => {
    await world?.stop();
  });

  it('p6_update_activity shows before/after read from P6; a change on P6 before approving makes the approved update refuse', async () => {
    const id = activity['ObjectId'] as number;
    const pending = call('p6_update_activity', { objectId: id, changes: { PercentComplete: 50, Status: 'In Progress' } });
    const a = await nextToolApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.plan, JSON.stringify(a));
    const project = String(activity['ProjectId']);
    // Fields in the tool's schema order.
    assert.equal(a.subject.plan.summary, `Set Status 'Not Started' → 'In Progress' and PercentComplete 40 → 50 on activity ${String(activity['Id'])} in project ${project}`);
    assert.deepEqual(a.subject.plan.changes.map((c) => [c.field, c.before, c.after]), [['Status', "'Not Started'", "'In Progress'"], ['PercentComplete', '40', '50']]);
    // Someone else updates the activity directly on P6 before the user approves.
    fake.store.update('activity', id, { PercentComplete: 45, LastUpdateDate: '2026-12-06T08:00:00' });
    fake.resetCounts();
    assert.equal((await cli(['approve', a.id, '--once'])).code, 0);
    const r = await pending;
    assert.equal(r.isError, true);
    assert.match(textOf(r), new RegExp(`^activity ${String(activity['Id'])} changed since you approved: it was updated in P6 by someone else \\(LastUpdateDate 2026-11-30T09:12:00 → 2026-12-06T08:00:00, PercentComplete 40 → 45\\)`));
    assert.equal(fake.counts()['PUT /p6ws/restapi/activity'], undefined, 'nothing was written');
    assert.equal(fake.store.find('activity', id)?.['PercentComplete'], 45);
  });

  it('an approved update runs once the plan is fresh, and its audit names the activity and the plan hash', async () => {
    const id = activity['ObjectId'] as number;
    const pending = call('p6_update_activity', { objectId: id, changes: { PercentComplete: 50 } });
    const a = await nextToolApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.plan, 'the approval carries a plan');
    assert.match(a.subject.plan.summary, /^Set PercentComplete 45 → 50 on activity /);
    assert.equal((await cli(['approve', a.id, '--once'])).code, 0);
    const r = await pending;
    assert.equal(r.isError, undefined, textOf(r));
    assert.equal(fake.store.find('activity', id)?.['PercentComplete'], 50);
    const record = await waitFor('the audit record', () => audit().find((l) => l.event === 'tool.called' && l.tool === 'p6_update_activity' && l.outcome === 'ok'));
    assert.equal(record?.planHash, a.subject.plan.hash);
    assert.ok(record?.objects?.[0]?.includes(`ObjectId ${id}`), JSON.stringify(record));
  });

  it('p6_call PUT on a known resource reads the current values; invalid calls fail before any approval', async () => {
    const id = activity['ObjectId'] as number;
    const pending = call('p6_call', { method: 'PUT', path: 'activity', body: [{ ObjectId: id, PercentComplete: 60 }] });
    const a = await Promise.race([nextToolApproval(), pending.then((r) => assert.fail(`no approval: ${textOf(r)}`))]);
    assert.ok(a.subject.kind === 'tool' && a.subject.plan, 'the approval carries a plan');
    assert.match(a.subject.plan.summary, new RegExp(`^Update 1 activity object\\(s\\) in P6 \\(PUT activity\\): PercentComplete 50 → 60 on activity ${id}$`));
    assert.equal((await cli(['deny', a.id])).code, 0);
    assert.equal(textOf(await pending), 'denied by the user');

    const requested = () => audit().filter((l) => l.event === 'approval.requested').length;
    const before = requested();
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['p6_call', { method: 'GET', path: '../../admin' }, /P6_|CONN_|path/i],
      ['p6_call', { method: 'PUT', path: 'activity', body: [{ PercentComplete: 1 }] }, /P6_BAD_ARGUMENTS: every PUT object needs an integer ObjectId/],
      ['p6_update_activity', { objectId: id, changes: { Name: 'renamed' } }, /Invalid arguments for tool p6_update_activity/],
      ['p6_update_activity', { objectId: id, changes: {} }, /P6_BAD_ARGUMENTS: changes is empty/],
      ['p6_update_activity', { objectId: 999_999_999, changes: { PercentComplete: 1 } }, /P6_NOT_FOUND: no activity has ObjectId 999999999/],
    ];
    for (const [tool, args, expected] of bad) {
      const r = await call(tool, args);
      assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}`);
      assert.match(textOf(r), expected);
    }
    assert.equal(requested(), before);
    assert.deepEqual(await approvals(), []);
  });
});
