// Issue 16's P6 read tools against the fake with a planted project: reference data
// (calendars, baselines, codes, EPS, UDF values), the DCMA 14-point check and the
// baseline comparison.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '../../fixtures/p6/data-store.js';
import { plantScheduleProject, SCHEDULE_BASELINE_OBJECT_ID, SCHEDULE_PROJECT_OBJECT_ID } from '../../fixtures/p6/schedule-project.js';
import { startP6Fake, type P6Fake } from '../../fixtures/p6/start-p6-fake.js';
import { connectP6Server, type ConnectedP6Server } from './connect-p6-server.js';
import { pageFromRowsText } from './tools/read-rows-text.js';

const PASSWORD = 'pl4nner-secret';
type Page = { total: number; count: number; nextCursor?: string; rows: Row[] };
interface Check { check: number; name: string; computed: boolean; count?: number; base?: number; value?: number; pass?: boolean; note?: string; activities: { id: string; detail: string }[] }
interface Assessment { project: string; tasks: number; failed: number[]; baseline?: string; checks: Check[] }

describe('P6 schedule and reference-data tools against the fake', () => {
  let fake: P6Fake;
  let s: ConnectedP6Server;

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'planner', password: PASSWORD }], tls: true, dataset: { projects: 3, bigProjectActivities: 50, bigProjectWbs: 4 } });
    plantScheduleProject(fake.store);
    s = await connectP6Server(fake, PASSWORD);
  });
  after(async () => {
    await s?.close();
    await fake?.stop();
  });

  it('p6_check_schedule finds every planted defect, each with its activities', async () => {
    const r = await s.ok<Assessment>('p6_check_schedule', { projectId: 'DCMA-01' });
    const check = (n: number) => r.checks.find((c) => c.check === n)!;
    const ids = (n: number) => check(n).activities.map((a) => a.id).sort();
    assert.equal(r.project, 'DCMA-01');
    assert.equal(r.tasks, 7); // A1020-A1080; LOE A1090 and the completed A1000/A1010 left out
    assert.deepEqual(r.checks.map((c) => c.check), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    // 1 open ends / missing logic
    assert.deepEqual(check(1).activities.map((a) => `${a.id}: ${a.detail}`).sort(), ['A1050: no predecessor', 'A1060: no successor']);
    assert.equal(check(1).pass, false);
    // 2 leads, 3 lags, 4 relationship types
    assert.deepEqual(check(2).activities.map((a) => a.detail), ['lead -1 d on A1030 -> A1040']);
    assert.deepEqual(check(3).activities.map((a) => a.detail), ['lag +5 d on A1020 -> A1030']);
    assert.deepEqual(ids(4), ['A1040', 'A1070', 'A1070']); // A1030->A1040 SS, A1050->A1070 FF, A1090->A1070 FF
    // 5 hard constraints, 6 high float, 7 negative float, 8 high duration
    assert.deepEqual(check(5).activities.map((a) => `${a.id}: ${a.detail.split(' 2025')[0]}`).sort(), ['A1030: Mandatory Start', 'A1060: Finish On']);
    assert.deepEqual(check(6).activities.map((a) => `${a.id}: ${a.detail}`), ['A1040: total float 50 d']);
    assert.deepEqual(check(7).activities.map((a) => `${a.id}: ${a.detail}`), ['A1030: total float -2 d']);
    assert.deepEqual(check(8).activities.map((a) => `${a.id}: ${a.detail}`), ['A1020: remaining duration 60 d']);
    // 9 invalid dates, 10 resources
    assert.deepEqual(ids(9), ['A1080', 'A1080']);
    assert.deepEqual(ids(10), ['A1040', 'A1080']);
    for (const n of [1, 2, 3, 5, 6, 7, 8, 9, 10]) assert.equal(check(n).pass, false, `check ${n} fails`);
    // 11 missed tasks and 14 BEI against the baseline; 12 is never run; 13 CPLI below 0.95
    assert.match(r.baseline ?? '', /January baseline/);
    assert.deepEqual(ids(11), ['A1010', 'A1020']);
    assert.equal(check(14).value, 0.67); // A1000 and A1010 done of A1000, A1010, A1020 due
    assert.deepEqual(ids(14), ['A1020']);
    assert.equal(check(12).computed, false);
    assert.match(check(12).note ?? '', /changes the project/);
    assert.ok(check(13).computed && check(13).value! < 0.95 && check(13).pass === false, JSON.stringify(check(13)));
    assert.deepEqual(r.failed, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14]);
  });

  it('p6_check_schedule says which checks it cannot compute without a baseline', async () => {
    const r = await s.ok<Assessment>('p6_check_schedule', { projectId: 'BIG-0001' });
    for (const n of [11, 13, 14]) {
      const c = r.checks.find((x) => x.check === n)!;
      assert.equal(c.computed, false);
      assert.match(c.note ?? '', /no baseline/);
    }
  });

  it('p6_compare_baseline reports variance, slipped activities and critical path changes', async () => {
    const r = await s.ok<{ projectFinishVarianceDays: number; compared: number; slippedCount: number; slipped: { id: string; finishVarianceDays: number }[]; becameCritical: { id: string }[]; noLongerCritical: { id: string }[]; added: { id: string }[]; removed: unknown[] }>(
      'p6_compare_baseline', { projectObjectId: SCHEDULE_PROJECT_OBJECT_ID });
    assert.equal(r.projectFinishVarianceDays, 70);
    assert.equal(r.compared, 9);
    // Worst first: A1030 +91 d, A1020 +84 d, A1060/A1070/A1090 +70 d, A1040 +63 d, A1010/A1050 +7 d.
    assert.deepEqual(r.slipped.map((x) => `${x.id} ${x.finishVarianceDays}`), ['A1030 91', 'A1020 84', 'A1060 70', 'A1070 70', 'A1090 70', 'A1040 63', 'A1010 7', 'A1050 7']);
    assert.equal(r.slipped.find((x) => x.id === 'A1010')?.finishVarianceDays, 7);
    assert.deepEqual(r.becameCritical.map((x) => x.id), []);
    assert.deepEqual(r.noLongerCritical.map((x) => x.id).sort(), ['A1040', 'A1050']);
    assert.deepEqual(r.added.map((x) => x.id), ['A1080']);
    assert.deepEqual(r.removed, []);
  });

  it('lists calendars, baselines, codes with values, EPS and UDF values', async () => {
    const cal = await s.ok<Page>('p6_list_calendars', { type: 'Project' });
    assert.deepEqual(cal.rows.map((r) => [r['Name'], r['HoursPerDay']]), [['DCMA 5 Day', 8]]);
    const bl = await s.ok<Page>('p6_list_baselines', { projectId: 'DCMA-01' });
    assert.deepEqual(bl.rows.map((r) => r['ObjectId']), [SCHEDULE_BASELINE_OBJECT_ID]);
    const codes = await s.ok<Page>('p6_list_codes', { kind: 'activity', codeType: 'Phase' });
    assert.deepEqual(codes.rows.map((r) => `${r['CodeTypeName']}=${r['CodeValue']} (${r['Description']})`), ['Phase=DES (Design)', 'Phase=CON (Construction)']);
    const pcodes = await s.ok<Page>('p6_list_codes', { kind: 'project' });
    assert.deepEqual(pcodes.rows.map((r) => r['CodeValue']), ['NORTH', 'SOUTH']);
    const eps = await s.ok<Page>('p6_list_eps', { parentObjectId: 101 });
    assert.ok(eps.total > 0 && eps.rows.every((r) => r['ParentObjectId'] === 101), 'the EPS list holds only children of 101, at least one');
    const udf = await s.ok<Page>('p6_list_udf_values', { projectId: 'DCMA-01', limit: 2 });
    assert.equal(udf.total, 3);
    assert.equal(udf.rows.length, 2);
    const rest = await s.ok<Page>('p6_list_udf_values', { projectId: 'DCMA-01', limit: 2, cursor: udf.nextCursor });
    assert.deepEqual(rest.rows.map((r) => r['Double']), [9]);
    const none = await s.client.callTool({ name: 'p6_list_udf_values', arguments: {} });
    assert.equal(none.isError, true);
  });

  it('puts the data and the cursor in the text block', async () => {
    const r = await s.client.callTool({ name: 'p6_list_projects', arguments: { limit: 1 } });
    const text = (r.content as { type: string; text: string }[])[0]!.text;
    const [summary] = text.split('\n');
    const page = pageFromRowsText(text) as Page;
    assert.deepEqual(page, r.structuredContent);
    assert.ok(page.rows.length === 1 && Object.keys(page.rows[0]!).length > 3, 'the row with its fields');
    assert.ok(page.nextCursor && summary!.includes(page.nextCursor), summary);
  });
});
