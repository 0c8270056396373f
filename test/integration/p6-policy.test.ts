// "P6 writes only in projects under OBS Rail Delivery" (issue 14), end to end on the P6 fake:
// `keybroker serve`, the real bridge, the p6 child's plan reading the project's OBS and EPS
// paths, status and project codes, `keybroker policy test` through the control op, and a
// project moved to another OBS node directly on the fake between two tests changing the decision.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PolicyTestResult } from '../../src/base/contracts/policy.js';
import type { P6Fake } from '../fixtures/p6/start-p6-fake.js';
import { startBridgedP6, type BridgedP6 } from '../support/bridged-p6.js';
import { readAudit } from '../support/audit-file.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { runKeybroker } from '../support/keybroker-cli.js';

const PASSWORD = 'Pl4nner:policy';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
/** OBS nodes of the generated dataset: 13 is Enterprise/Construction/Rail Delivery, 14 its North Line, 2 Enterprise/Engineering. */
const RAIL_DELIVERY = 13;
const NORTH_LINE = 14;
const ENGINEERING = 2;

describe('P6 writes only in projects under OBS Rail Delivery (issue 14)', () => {
  let world: BridgedP6 | undefined;
  let fake: P6Fake;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  let rail: Record<string, unknown>;
  let other: Record<string, unknown>;
  let frozen: Record<string, unknown>;
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin, timeoutMs: 120_000 });
  const { approvals, approvingUnlocks } = cliApprovals(cli);
  const audit = () => readAudit(home);
  const policyTest = async (objectId: unknown) => {
    const args = JSON.stringify({ objectId, changes: { PercentComplete: 55 } });
    const human = await approvingUnlocks(cli(['policy', 'test', 'p6', 'p6_update_activity', '--args', args]));
    const json = await cli(['policy', 'test', 'p6', 'p6_update_activity', '--args', args, '--json']);
    return { text: human.stdout, result: JSON.parse(json.stdout) as PolicyTestResult };
  };

  before(async () => {
    world = await startBridgedP6({
      fake: { users: [{ username: 'planner', password: PASSWORD }], dataset: { projects: 3, bigProjectActivities: 10, bigProjectWbs: 2 } },
      homePrefix: 'kb-p6-policy-',
      endpoints: [{ name: 'pm', user: 'planner', password: PASSWORD }],
      prepare: (p6, dir) => {
        const configPath = path.join(dir, 'config.json');
        const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as Record<string, unknown>;
        config['policy'] = {
          rules: [
            { server: 'p6', tool: 'p6_update_activity', when: { codes: 'Region:SOUTH' }, action: 'deny', reason: 'the southern region is frozen' },
            { server: 'p6', tool: 'p6_update_activity', when: { obs: 'Enterprise/Construction/Rail Delivery/*' }, action: 'ask', reason: 'Rail Delivery projects: ask' },
            { server: 'p6', tool: 'p6_update_activity', action: 'deny', reason: 'P6 writes only in projects under OBS Rail Delivery' },
          ],
        };
        fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
        const projects = p6.store.rows('project');
        const [a, b, c] = [projects[0]!, projects[1]!, projects[2]!];
        p6.store.update('project', a['ObjectId'] as number, { OBSObjectId: NORTH_LINE });
        p6.store.update('project', b['ObjectId'] as number, { OBSObjectId: ENGINEERING });
        p6.store.update('project', c['ObjectId'] as number, { OBSObjectId: RAIL_DELIVERY });
        // Project codes (P6 ProjectCodeAssignment): a is in the northern region, c in the frozen southern one.
        const assign = (p: typeof a, value: string) => ({ ProjectObjectId: p['ObjectId']!, ProjectId: p['Id']!, ProjectCodeTypeObjectId: 9401, ProjectCodeTypeName: 'Region', ProjectCodeObjectId: value === 'NORTH' ? 9411 : 9412, ProjectCodeValue: value, ProjectCodeDescription: `${value} region` });
        p6.store.replace('projectCodeAssignment', [assign(a, 'NORTH'), assign(c, 'SOUTH')]);
        const activityOf = (p: typeof a) => p6.store.rows('activity').find((r) => r['ProjectObjectId'] === p['ObjectId'])!;
        [rail, other, frozen] = [activityOf(a), activityOf(b), activityOf(c)];
        assert.ok(rail && other && frozen, 'the projects have activities');
      },
    });
    ({ fake, home, env, client } = world);
  });
  after(async () => {
    await world?.stop();
  });

  it('asks for an activity in a project under Rail Delivery, denies elsewhere without asking, and a project moved under Rail Delivery changes the decision', async () => {
    const inRail = await policyTest(rail['ObjectId']);
    assert.deepEqual([inRail.result.decision, inRail.result.rule], ['ask', 1], inRail.text);
    const facts = inRail.result.plan?.facts?.[0];
    assert.equal(facts?.['obs'], 'Enterprise/Construction/Rail Delivery/North Line');
    assert.deepEqual(facts?.['codes'], ['Region:NORTH']);
    assert.equal(facts?.['status'], fake.store.rows('project')[0]!['Status']);
    assert.match(facts?.['eps'] as string, /^Enterprise\//);
    assert.match(inRail.text, /^ASK \(policy\.rules\[1\]\): Rail Delivery projects: ask$/m);
    assert.match(inRail.text, /^ {2}facts of activity .*: project=\S+ projectName=.* status=\S+ obs=Enterprise\/Construction\/Rail Delivery\/North Line eps=Enterprise\/\S+ codes=Region:NORTH$/m);

    const outside = await policyTest(other['ObjectId']);
    assert.deepEqual([outside.result.decision, outside.result.rule], ['deny', 2], outside.text);
    assert.equal(outside.result.plan?.facts?.[0]?.['obs'], 'Enterprise/Engineering');
    assert.deepEqual(outside.result.plan?.facts?.[0]?.['codes'], [], 'codes were read: the project has none');
    assert.match(outside.text, /^DENY \(policy\.rules\[2\]\): P6 writes only in projects under OBS Rail Delivery$/m);
    const denied = (await client.callTool({ name: 'p6_update_activity', arguments: { objectId: other['ObjectId'], changes: { PercentComplete: 55 } } })) as CallToolResult;
    assert.equal(denied.isError, true);
    assert.match(textOf(denied), /policy\.rules\[2\] denies it: P6 writes only in projects under OBS Rail Delivery/);
    assert.deepEqual((await approvals()).filter((a) => a.subject.kind === 'tool'), [], 'no one was asked');
    const record = audit().findLast((l) => l.event === 'tool.called' && l.tool === 'p6_update_activity');
    assert.deepEqual([record?.outcome, record?.decision, record?.rule], ['denied', 'deny', 2]);

    fake.store.update('project', other['ProjectObjectId'] as number, { OBSObjectId: RAIL_DELIVERY });
    const moved = await policyTest(other['ObjectId']);
    assert.deepEqual([moved.result.decision, moved.result.rule], ['ask', 1], moved.text);
    assert.equal(moved.result.plan?.facts?.[0]?.['obs'], 'Enterprise/Construction/Rail Delivery', 'Rail Delivery/* matches the node itself too');
  });

  it('a project code decides too: a Rail Delivery project coded Region:SOUTH is denied by the first rule', async () => {
    const t = await policyTest(frozen['ObjectId']);
    assert.deepEqual([t.result.decision, t.result.rule], ['deny', 0], t.text);
    assert.deepEqual(t.result.plan?.facts?.[0]?.['codes'], ['Region:SOUTH']);
    assert.match(t.text, /^DENY \(policy\.rules\[0\]\): the southern region is frozen$/m);
  });
});
