// "P6 writes only in projects under OBS Rail …" (issue 14), end to end on the P6 fake:
// `keybroker serve`, the real bridge, the p6 child's plan reading the project's OBS and EPS
// paths, `keybroker policy test` through the control op, and a project moved to another OBS
// node directly on the fake between two tests changing the decision.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PolicyTestResult } from '../../src/base/contracts/policy.js';
import { startP6Fake, type P6Fake } from '../fixtures/p6/start-p6-fake.js';
import { startBridgedServe } from '../support/bridged-serve.js';
import { readAudit } from '../support/audit-file.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { runKeybroker } from '../support/keybroker-cli.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import type { ServeProcess } from '../support/serve-process.js';

const PASSWORD = 'Pl4nner:policy';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
/** OBS nodes of the generated dataset: 10 is Enterprise/Construction/Rail Team, 2 Enterprise/Engineering. */
const RAIL_TEAM = 10;
const ENGINEERING = 2;

describe('P6 writes only under one OBS node (issue 14)', () => {
  let ss: SecretService;
  let fake: P6Fake;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let serve: ServeProcess;
  let client: Client;
  let rail: Record<string, unknown>;
  let other: Record<string, unknown>;
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
    ss = await startSecretService();
    fake = await startP6Fake({ users: [{ username: 'planner', password: PASSWORD }], tls: true, dataset: { projects: 3, bigProjectActivities: 10, bigProjectWbs: 2 } });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-p6-policy-'));
    env = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
    const add = await cli(['endpoint', 'add', 'p6', 'pm', '--url', fake.url, '--user', 'planner', '--database', 'PMDB', '--ca', fake.caFile!, '--password-stdin'], PASSWORD);
    assert.equal(add.code, 0, add.stderr);
    const configPath = path.join(home, 'config.json');
    const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    config['policy'] = {
      rules: [
        { server: 'p6', tool: 'p6_update_activity', when: { obs: 'Enterprise/Construction/Rail Team/*' }, action: 'ask', reason: 'Rail Team projects: ask' },
        { server: 'p6', tool: 'p6_update_activity', action: 'deny', reason: 'P6 writes only in projects under OBS Rail Team' },
      ],
    };
    fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
    const projects = fake.store.rows('project');
    const [a, b] = [projects[0]!, projects[1]!];
    fake.store.update('project', a['ObjectId'] as number, { OBSObjectId: RAIL_TEAM });
    fake.store.update('project', b['ObjectId'] as number, { OBSObjectId: ENGINEERING });
    rail = fake.store.rows('activity').find((r) => r['ProjectObjectId'] === a['ObjectId'])!;
    other = fake.store.rows('activity').find((r) => r['ProjectObjectId'] === b['ObjectId'])!;
    assert.ok(rail && other, 'both projects have activities');
    ({ serve, client } = await startBridgedServe(env, cli, 'p6', { ready: (c) => Boolean(c.pid) }));
  });
  after(async () => {
    await client?.close();
    await serve?.stop();
    await fake?.stop();
    await ss?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('asks for an activity in a Rail Team project, denies elsewhere without asking, and a project moved under Rail Team changes the decision', async () => {
    const inRail = await policyTest(rail['ObjectId']);
    assert.deepEqual([inRail.result.decision, inRail.result.rule], ['ask', 0], inRail.text);
    assert.equal(inRail.result.plan?.facts?.[0]?.['obs'], 'Enterprise/Construction/Rail Team');
    assert.match(inRail.text, /^ASK \(policy\.rules\[0\]\): Rail Team projects: ask/);

    const outside = await policyTest(other['ObjectId']);
    assert.deepEqual([outside.result.decision, outside.result.rule], ['deny', 1], outside.text);
    assert.equal(outside.result.plan?.facts?.[0]?.['obs'], 'Enterprise/Engineering');
    const denied = (await client.callTool({ name: 'p6_update_activity', arguments: { objectId: other['ObjectId'], changes: { PercentComplete: 55 } } })) as CallToolResult;
    assert.equal(denied.isError, true);
    assert.match(textOf(denied), /policy\.rules\[1\] denies it: P6 writes only in projects under OBS Rail Team/);
    assert.deepEqual((await approvals()).filter((a) => a.subject.kind === 'tool'), [], 'no one was asked');
    const record = audit().findLast((l) => l.event === 'tool.called' && l.tool === 'p6_update_activity');
    assert.deepEqual([record?.outcome, record?.decision, record?.rule], ['denied', 'deny', 1]);

    fake.store.update('project', other['ProjectObjectId'] as number, { OBSObjectId: RAIL_TEAM });
    const moved = await policyTest(other['ObjectId']);
    assert.deepEqual([moved.result.decision, moved.result.rule], ['ask', 0], moved.text);
  });
});
