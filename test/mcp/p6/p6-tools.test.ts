import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '../../fixtures/p6/data-store.js';
import { BIG_PROJECT_OBJECT_ID, generateDataset } from '../../fixtures/p6/generate-dataset.js';
import { startP6Fake, type P6Fake } from '../../fixtures/p6/start-p6-fake.js';
import { connectP6Server, type ConnectedP6Server } from './connect-p6-server.js';
import { pageFromRowsText } from './tools/read-rows-text.js';

const PASSWORD = 'pl4nner-secret';
const DATASET = { projects: 12, bigProjectActivities: 3000, bigProjectWbs: 40 };
type Page = { total: number; count: number; nextCursor?: string; rows: Row[] };

describe('P6 MCP tools against the fake', () => {
  let fake: P6Fake;
  let s: ConnectedP6Server;
  const data = generateDataset(DATASET);
  const table = (name: string) => data[name]!;
  /** Every row of a list tool, page by page. */
  const walk = async (tool: string, args: Record<string, unknown>) => {
    const rows: Row[] = [];
    let cursor: string | undefined;
    const totals = new Set<number>();
    do {
      const page = await s.ok<Page>(tool, { ...args, ...(cursor && { cursor }) });
      totals.add(page.total);
      rows.push(...page.rows);
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual([...totals], [rows.length]);
    return rows;
  };

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'planner', password: PASSWORD }], tls: true, dataset: DATASET, sessionTtlMs: 60_000 });
    s = await connectP6Server(fake, PASSWORD, { batchSize: 400 });
  });
  after(async () => {
    await s?.close();
    await fake?.stop();
  });

  it('lists every tool with descriptions on every input field and all four annotations', async () => {
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      'p6_call', 'p6_check_schedule', 'p6_compare_baseline', 'p6_find_obs', 'p6_get_project', 'p6_list_activities', 'p6_list_assignments', 'p6_list_baselines',
      'p6_list_calendars', 'p6_list_codes', 'p6_list_endpoints', 'p6_list_eps', 'p6_list_projects', 'p6_list_relationships',
      'p6_list_resources', 'p6_list_udf_values', 'p6_list_wbs', 'p6_projects_by_obs', 'p6_session_info', 'p6_update_activity',
    ]);
    for (const t of tools) {
      for (const [field, schema] of Object.entries(t.inputSchema.properties ?? {})) assert.ok((schema as { description?: string }).description, `${t.name}.${field}`);
      if (t.name !== 'p6_list_endpoints') assert.ok(t.inputSchema.properties?.['endpoint'], `${t.name} takes endpoint`);
      assert.ok(t.outputSchema, t.name);
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) assert.equal(typeof t.annotations?.[hint], 'boolean', `${t.name}.${hint}`);
      const writes = t.name === 'p6_call' || t.name === 'p6_update_activity';
      assert.equal(t.annotations?.destructiveHint, writes, t.name);
      assert.equal(t.annotations?.readOnlyHint, !writes, t.name);
    }
  });

  it('p6_list_projects filters by status, name, EPS and OBS, and pages with total', async () => {
    const active = await walk('p6_list_projects', { status: 'Active', limit: 2, fields: ['ObjectId', 'Status'] });
    assert.deepEqual(active.map((r) => r['ObjectId']), table('project').filter((p) => p['Status'] === 'Active').map((p) => p['ObjectId']));
    const byName = await s.ok<Page>('p6_list_projects', { name: 'Bridge' });
    assert.deepEqual(byName.rows.map((r) => r['Name']), table('project').filter((p) => String(p['Name']).includes('Bridge')).map((p) => p['Name']));
    const byEps = await s.ok<Page>('p6_list_projects', { epsObjectId: 103, obsObjectId: 3 });
    assert.deepEqual(byEps.rows.map((r) => r['ObjectId']), table('project').filter((p) => p['ParentEPSObjectId'] === 103 && p['OBSObjectId'] === 3).map((p) => p['ObjectId']));
  });

  it('p6_get_project gives dates, status, WBS count and activity counts by status', async () => {
    const r = await s.ok<{ project: Row; wbsCount: number; activityCount: number; activitiesByStatus: Record<string, number> }>('p6_get_project', { projectId: 'BIG-0001' });
    const acts = table('activity').filter((a) => a['ProjectObjectId'] === BIG_PROJECT_OBJECT_ID);
    assert.equal(r.project['ObjectId'], BIG_PROJECT_OBJECT_ID);
    assert.equal(r.project['DataDate'], table('project')[0]!['DataDate']);
    assert.equal(r.wbsCount, 40);
    assert.equal(r.activityCount, 3000);
    for (const status of ['Not Started', 'In Progress', 'Completed']) assert.equal(r.activitiesByStatus[status], acts.filter((a) => a['Status'] === status).length);
    const missing = await s.call('p6_get_project', { projectId: 'NOPE' });
    assert.equal(missing.isError, true);
  });

  it('p6_find_obs finds names fuzzily, typos included', async () => {
    const r = await s.ok<{ matches: { ObjectId: number; Name: string }[] }>('p6_find_obs', { query: 'structual enginering' });
    assert.equal(r.matches[0]?.Name, 'Structural Engineering');
    const exact = await s.ok<{ matches: { ObjectId: number }[] }>('p6_find_obs', { query: 'rail team' });
    assert.equal(exact.matches[0]?.ObjectId, 10);
  });

  it('p6_projects_by_obs includes projects of nodes below the OBS', async () => {
    const r = await s.ok<Page & { obsObjectIds: number[] }>('p6_projects_by_obs', { obsName: 'Construction', fields: ['ObjectId'] });
    assert.deepEqual([...r.obsObjectIds].sort((a, b) => a - b), [3, 8, 9, 10, 13, 14]);
    assert.deepEqual(r.rows.map((p) => p['ObjectId']), table('project').filter((p) => [3, 8, 9, 10, 13, 14].includes(p['OBSObjectId'] as number)).map((p) => p['ObjectId']));
    const only = await s.ok<Page>('p6_projects_by_obs', { obsObjectId: 3, includeChildren: false });
    assert.equal(only.total, table('project').filter((p) => p['OBSObjectId'] === 3).length);
    // The text block carries the whole page, the OBS nodes searched included (issue 16).
    const raw = await s.client.callTool({ name: 'p6_projects_by_obs', arguments: { obsName: 'Construction', limit: 2 } });
    assert.deepEqual(pageFromRowsText((raw.content as { text: string }[])[0]!.text), raw.structuredContent);
  });

  it('p6_list_activities filters by status, date window and total float', async () => {
    const all = table('activity').filter((a) => a['ProjectObjectId'] === BIG_PROJECT_OBJECT_ID);
    const critical = await walk('p6_list_activities', { projectObjectId: BIG_PROJECT_OBJECT_ID, status: 'In Progress', maxTotalFloat: 0, limit: 50, fields: ['ObjectId'] });
    assert.deepEqual(critical.map((r) => r['ObjectId']), all.filter((a) => a['Status'] === 'In Progress' && (a['TotalFloat'] as number) <= 0).map((a) => a['ObjectId']));
    const window = await walk('p6_list_activities', { projectId: 'BIG-0001', from: '2024-02-01', to: '2024-02-10', limit: 1000, fields: ['ObjectId'] });
    const want = all.filter((a) => String(a['FinishDate']) >= '2024-02-01T00:00:00' && String(a['StartDate']) <= '2024-02-10T00:00:00');
    assert.ok(want.length > 0, 'the fixture has activities in the date window');
    assert.deepEqual(window.map((r) => r['ObjectId']), want.map((a) => a['ObjectId']));
  });

  it('refuses a cursor from another list rather than taking it as a place in this one (it skipped every row before it)', async () => {
    // Activities of the big project in pages of 50: the cursor after its first page points far
    // into ObjectId order, past every activity of the next project.
    const first = await s.ok<Page>('p6_list_activities', { projectObjectId: BIG_PROJECT_OBJECT_ID, limit: 50, fields: ['ObjectId'] });
    assert.ok(first.nextCursor, 'the first page of the big project has a next cursor');
    const other = await s.call('p6_list_activities', { projectObjectId: BIG_PROJECT_OBJECT_ID + 1, limit: 50, fields: ['ObjectId'], cursor: first.nextCursor });
    assert.equal(other.isError, true);
    assert.match((other.content as { text: string }[])[0]!.text, /belongs to another list .*start again without a cursor/);
    const wbs = await s.call('p6_list_wbs', { projectObjectId: BIG_PROJECT_OBJECT_ID, cursor: first.nextCursor });
    assert.equal(wbs.isError, true);
    // The same list with other fields or another limit goes on where it was.
    const next = await s.ok<Page>('p6_list_activities', { projectObjectId: BIG_PROJECT_OBJECT_ID, limit: 20, fields: ['ObjectId', 'Name'], cursor: first.nextCursor });
    assert.ok((next.rows[0]!['ObjectId'] as number) > (first.rows.at(-1)!['ObjectId'] as number), 'the next page goes on after the first page\'s last ObjectId');
    // A cursor of an older build (no binding) is refused the same way as one not made here.
    const unbound = Buffer.from(JSON.stringify({ after: first.rows.at(-1)!['ObjectId'] })).toString('base64url');
    const old = await s.call('p6_list_activities', { projectObjectId: BIG_PROJECT_OBJECT_ID, cursor: unbound });
    assert.match((old.content as { text: string }[])[0]!.text, /not one this server made/);
  });

  it('p6_list_wbs, p6_list_relationships, p6_list_resources and p6_list_assignments match the data', async () => {
    const p = BIG_PROJECT_OBJECT_ID + 1;
    assert.deepEqual((await walk('p6_list_wbs', { projectObjectId: p })).map((r) => r['ObjectId']), table('wbs').filter((w) => w['ProjectObjectId'] === p).map((w) => w['ObjectId']));
    assert.deepEqual((await walk('p6_list_relationships', { projectObjectId: p })).map((r) => r['ObjectId']), table('relationship').filter((w) => w['PredecessorProjectObjectId'] === p).map((w) => w['ObjectId']));
    const act = table('activity').find((a) => a['ProjectObjectId'] === p)!['ObjectId'] as number;
    const links = await walk('p6_list_relationships', { activityObjectId: act + 1 });
    assert.equal(links.length, 2);
    const labor = await walk('p6_list_resources', { resourceType: 'Labor', limit: 7 });
    assert.deepEqual(labor.map((r) => r['Id']), table('resource').filter((r) => r['ResourceType'] === 'Labor').map((r) => r['Id']));
    const asg = await walk('p6_list_assignments', { projectObjectId: p });
    assert.deepEqual(asg.map((r) => r['ObjectId']), table('resourceAssignment').filter((r) => r['ProjectObjectId'] === p).map((r) => r['ObjectId']));
    assert.equal((await s.call('p6_list_assignments', {})).isError, true);
  });

  it('p6_session_info reports endpoint, user, database and expiry, never the cookie', async () => {
    const r = await s.call('p6_session_info', {});
    const info = r.structuredContent as Record<string, unknown>;
    assert.equal(info['endpoint'], 'pm');
    assert.equal(info['user'], 'planner');
    assert.equal(info['database'], 'PMDB');
    assert.ok((info['expiresInSeconds'] as number) > 0, 'the session has time left');
    assert.ok(!JSON.stringify(r).includes('JSESSIONID'), 'the session info never shows the session cookie');
  });

  it('renews an expired session transparently, with one login', async () => {
    await s.ok('p6_list_resources', { limit: 1 });
    const before = s.logins();
    fake.advance(61_000);
    const page = await s.ok<Page>('p6_list_resources', { limit: 1 });
    assert.equal(page.total, 100);
    assert.equal(s.logins() - before, 1);
  });

  it('p6_update_activity changes allow-listed fields only', async () => {
    const id = table('activity')[5]!['ObjectId'] as number;
    const r = await s.ok<{ activity: Row }>('p6_update_activity', { objectId: id, changes: { Status: 'Completed', PercentComplete: 100, RemainingDuration: 0 } });
    assert.equal(r.activity['Status'], 'Completed');
    assert.equal(fake.store.find('activity', id)?.['PercentComplete'], 100);
    const refused = await s.call('p6_update_activity', { objectId: id, changes: { Name: 'renamed' } });
    assert.equal(refused.isError, true);
    assert.notEqual(fake.store.find('activity', id)?.['Name'], 'renamed');
  });

  it('p6_call proxies GET and PUT under the REST base and refuses anything else before I/O', async () => {
    const got = await s.ok<{ status: number; value: Row[] }>('p6_call', { method: 'GET', path: 'calendar', query: { Fields: 'ObjectId,Name' } });
    assert.deepEqual(got.value.map((c) => c['Name']), table('calendar').map((c) => c['Name']));
    const put = await s.ok<{ value: unknown }>('p6_call', { method: 'PUT', path: '/p6ws/restapi/calendar', body: [{ ObjectId: 202, Name: 'Seven day' }] });
    assert.equal(put.value, true);
    assert.equal(fake.store.find('calendar', 202)?.['Name'], 'Seven day');
    fake.resetCounts();
    for (const path of ['https://evil.example/p6ws/restapi/x', '../p6/login', '%2e%2e/x', '//evil/x', 'a\\b']) {
      const r = await s.call('p6_call', { method: 'GET', path });
      assert.equal(r.isError, true, path);
    }
    assert.deepEqual(fake.counts(), {});
  });
});
