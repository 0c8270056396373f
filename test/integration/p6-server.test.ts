// The P6 MCP server end to end, as Claude Desktop uses it: `keybroker serve` with the built
// dist/mcp/p6 child, the SDK Client through the real `keybroker bridge`, approvals and
// unlocks answered with the real CLI, and the P6 fake (TLS, 200 projects, 50,000 activities).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { BIG_PROJECT_OBJECT_ID, generateDataset } from '../fixtures/p6/generate-dataset.js';
import type { P6Fake } from '../fixtures/p6/start-p6-fake.js';
import { startBridgedP6, type BridgedP6 } from '../support/bridged-p6.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { pageFromRowsText } from '../mcp/p6/tools/read-rows-text.js';
import { runKeybroker } from '../support/keybroker-cli.js';

const PASSWORD = 'Pl4nner:secret';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
const vmHwmKb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

describe('P6 server through serve, bridge and gateway, against the P6 fake', () => {
  let world: BridgedP6 | undefined;
  let fake: P6Fake;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  const data = generateDataset({});
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin });
  const { approvals, nextApproval } = cliApprovals(cli);
  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 }) as Promise<CallToolResult>;
  const childPid = async () => (JSON.parse((await cli(['status', '--json'])).stdout) as HostStatus).children.find((c) => c.name === 'p6')?.pid;

  before(async () => {
    world = await startBridgedP6({
      fake: { users: [{ username: 'planner', password: PASSWORD }, { username: 'viewer', password: 'right-Pass' }], dataset: {}, sessionTtlMs: 10 * 60_000 },
      homePrefix: 'kb-p6-server-',
      endpoints: [{ name: 'pm', user: 'planner', password: PASSWORD, extra: ['--no-verify'] }, { name: 'pmbad', user: 'viewer', password: 'wr0ng-Pass', extra: ['--no-verify'] }],
      serve: { toolsListed: true },
    });
    ({ fake, env, client } = world);
  });
  after(async () => {
    await world?.stop();
  });

  it('tells a client with no prior knowledge the endpoints (no secret, no prompt) and how to choose one', async () => {
    assert.match(client.getInstructions() ?? '', /p6_list_endpoints/);
    const before = (await call('p6_list_endpoints', {}));
    assert.equal(before.isError, undefined, textOf(before));
    const host = new URL(fake.url).host;
    const want = [{ name: 'pm', host, readOnly: false, state: 'locked' }, { name: 'pmbad', host, readOnly: false, state: 'locked' }];
    assert.deepEqual(before.structuredContent, { endpoints: want, total: 2 });
    // The text block alone carries the same data.
    const text = textOf(before);
    assert.match(text.split('\n')[0]!, /^2 P6 endpoints; pass one as the endpoint argument/);
    assert.deepEqual(JSON.parse(text.split('\n')[1]!), before.structuredContent);
    // Security: no user name, credential id, URL path or password.
    assert.ok(!/planner|viewer|endpoint:|p6ws|Pass/.test(text), text);
    assert.deepEqual(JSON.parse((await cli(['approvals', '--json'])).stdout), []);
  });

  it('lists projects after one unlock approval', async () => {
    const pending = call('p6_list_projects', { endpoint: 'pm', limit: 50 });
    const unlock = await nextApproval();
    assert.equal(unlock.subject.kind, 'unlock');
    assert.equal((await cli(['approve', unlock.id])).code, 0);
    const r = await pending;
    assert.equal(r.isError, undefined, textOf(r));
    assert.equal((r.structuredContent as { total: number }).total, 200);
    assert.equal((await call('p6_get_project', { endpoint: 'pm', projectId: 'BIG-0001' })).isError, undefined);
    // The "done when": `keybroker call p6 p6_list_projects` from a shell.
    const shell = await cli(['call', 'p6', 'p6_list_projects', '--args', '{"endpoint":"pm","limit":3}']);
    assert.equal(shell.code, 0, shell.stderr);
    assert.match(shell.stdout, /3 of 200 projects/);
    // The text carries the rows and the cursor, not just a count (issue 16).
    const [summary] = shell.stdout.trimEnd().split('\n');
    const page = pageFromRowsText(shell.stdout.trimEnd()) as { rows: Record<string, unknown>[]; nextCursor: string };
    assert.equal(page.rows.length, 3);
    assert.ok(page.rows.every((row) => typeof row['Id'] === 'string' && typeof row['Name'] === 'string'), 'every row with its fields');
    assert.ok(summary!.includes(page.nextCursor), 'the summary names the next cursor');
    const listed = await call('p6_list_endpoints', {});
    assert.equal((listed.structuredContent as { endpoints: { name: string; state: string }[] }).endpoints.find((e) => e.name === 'pm')?.state, 'unlocked');
  });

  it('answers every read-only tool through the gateway, matching the generated data', async () => {
    const firstObs = data['obs']![0]!;
    const big = data['project']!.find((p) => p['Id'] === 'BIG-0001')!;
    const cases: [string, Record<string, unknown>, (sc: Record<string, unknown>) => void][] = [
      ['p6_get_project', { projectId: 'BIG-0001' }, (sc) => assert.ok(JSON.stringify(sc).includes(String(big['ObjectId'])), 'the project\'s answer names its ObjectId')],
      ['p6_find_obs', { query: String(firstObs['Name']) }, (sc) => assert.ok(JSON.stringify(sc).includes(String(firstObs['Name'])), 'the OBS answer names the OBS looked for')],
      ['p6_projects_by_obs', { obsObjectId: firstObs['ObjectId'], includeChildren: true, limit: 500 }, (sc) => assert.ok(typeof sc['total'] === 'number', 'the answer has a total')],
      ['p6_list_activities', { projectId: 'BIG-0001', limit: 5 }, (sc) => assert.equal(sc['total'], data['activity']!.filter((a) => a['ProjectObjectId'] === big['ObjectId']).length)],
      ['p6_list_wbs', { projectId: 'BIG-0001', limit: 5 }, (sc) => assert.equal(sc['total'], data['wbs']!.filter((w) => w['ProjectObjectId'] === big['ObjectId']).length)],
      ['p6_list_relationships', { projectId: 'BIG-0001', limit: 5 }, (sc) => assert.ok((sc['total'] as number) > 0, 'the project has relationships')],
      ['p6_list_resources', { limit: 5 }, (sc) => assert.equal(sc['total'], data['resource']!.length)],
      ['p6_list_assignments', { projectId: 'BIG-0001', limit: 5 }, (sc) => assert.ok(typeof sc['total'] === 'number', 'the answer has a total')],
      ['p6_session_info', {}, (sc) => assert.ok(!JSON.stringify(sc).includes('JSESSIONID'), 'never the cookie')],
    ];
    for (const [name, args, check] of cases) {
      const r = await call(name, { endpoint: 'pm', ...args });
      assert.equal(r.isError, undefined, `${name}: ${textOf(r)}`);
      check(r.structuredContent as Record<string, unknown>);
    }
  });

  it('walks 50,000 activities with the cursor, no duplicates or gaps, and reports the child peak RSS', async () => {
    const want = data['activity']!.filter((a) => a['ProjectObjectId'] === BIG_PROJECT_OBJECT_ID).map((a) => a['ObjectId']);
    const seen: unknown[] = [];
    let cursor: string | undefined;
    const requestsBefore = fake.counts()['GET /p6ws/restapi/activity'] ?? 0;
    do {
      const r = await call('p6_list_activities', { endpoint: 'pm', projectObjectId: BIG_PROJECT_OBJECT_ID, limit: 5000, fields: ['ObjectId', 'Id', 'Name', 'Status', 'StartDate', 'FinishDate', 'TotalFloat'], ...(cursor && { cursor }) });
      const page = r.structuredContent as { total: number; rows: { ObjectId: number }[]; nextCursor?: string };
      assert.equal(page.total, 50_000);
      seen.push(...page.rows.map((row) => row.ObjectId));
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen.length, want.length);
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(seen, want);
    const requests = (fake.counts()['GET /p6ws/restapi/activity'] ?? 0) - requestsBefore;
    assert.ok(requests > 10, 'no single request pulls everything');
    const pid = await childPid();
    if (pid) console.log(`[p6-server] 50,000 activities in ${requests} P6 requests; p6 child peak RSS (VmHWM) ${Math.round(vmHwmKb(pid) / 1024)} MiB`);
  });

  it('renews an expired session mid-use transparently', async () => {
    const logins = fake.counts()['POST /p6ws/restapi/login'] ?? 0;
    fake.advance(11 * 60_000);
    const r = await call('p6_list_resources', { endpoint: 'pm', limit: 5 });
    assert.equal(r.isError, undefined, textOf(r));
    assert.equal((r.structuredContent as { total: number }).total, 100);
    assert.equal((fake.counts()['POST /p6ws/restapi/login'] ?? 0) - logins, 1);
    assert.deepEqual(await approvals(), []);
  });

  it('holds p6_update_activity for approval; deny sends nothing to P6, approve updates', async () => {
    const id = data['activity']![7]!['ObjectId'] as number;
    fake.resetCounts();
    const denied = call('p6_update_activity', { endpoint: 'pm', objectId: id, changes: { PercentComplete: 42 } });
    const a = await nextApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.tool === 'p6_update_activity', 'the approval is for p6_update_activity');
    assert.equal((await cli(['deny', a.id])).code, 0);
    assert.equal(textOf(await denied), 'denied by the user');
    assert.equal(fake.counts()['PUT /p6ws/restapi/activity'], undefined);
    // Only the plan step's read reached P6 (issue 11), nothing that writes.
    assert.deepEqual(Object.keys(fake.counts()).filter((k) => !k.startsWith('GET ')), []);

    const approved = call('p6_update_activity', { endpoint: 'pm', objectId: id, changes: { PercentComplete: 42 } });
    assert.equal((await cli(['approve', (await nextApproval()).id, '--once'])).code, 0);
    assert.equal((await approved).isError, undefined);
    assert.equal(fake.counts()['PUT /p6ws/restapi/activity'], 1);
    assert.equal(fake.store.find('activity', id)?.['PercentComplete'], 42);
  });

  it('holds a PUT through p6_call for approval; deny sends nothing to P6', async () => {
    fake.resetCounts();
    const denied = call('p6_call', { endpoint: 'pm', method: 'PUT', path: 'calendar', body: [{ ObjectId: 201, Name: 'Hijacked' }] });
    const a = await nextApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.tool === 'p6_call', 'the approval is for p6_call');
    assert.equal((await cli(['deny', a.id])).code, 0);
    assert.equal((await denied).isError, true);
    assert.deepEqual(fake.counts(), {});
    assert.equal(fake.store.find('calendar', 201)?.['Name'], 'Standard 5 Day');
  });

  it('reports bad credentials as login_failed after exactly one login attempt, never locking the account', async () => {
    const pending = call('p6_session_info', { endpoint: 'pmbad' });
    assert.equal((await cli(['approve', (await nextApproval()).id])).code, 0);
    const r = await pending;
    assert.equal(r.isError, true);
    assert.match(textOf(r), /login_failed/);
    assert.equal(fake.loginAttempts('viewer'), 1);
    assert.equal(fake.isLocked('viewer'), false);
    assert.ok(!textOf(r).includes('wr0ng-Pass'), 'the failed login never repeats the password');
  });
});
