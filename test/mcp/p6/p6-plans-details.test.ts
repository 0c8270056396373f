// The P6 plans' edges (issue 11, D56): a plan names every object and field a write acts on,
// refuses what it could not show, reads the current values it binds as the precondition, and
// the re-check finds what changed. Against the P6 fake with the real P6Client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { P6Client } from '../../../src/connectors/p6/client/p6-client.js';
import { p6Login } from '../../../src/connectors/p6/session/p6-login.js';
import { callPlan, type CallPlanInput } from '../../../src/mcp/p6/plan/call-plan.js';
import { preconditionP6Value, showP6Value } from '../../../src/mcp/p6/plan/p6-values.js';
import { readProjectFacts } from '../../../src/mcp/p6/plan/project-facts.js';
import { recheckP6 } from '../../../src/mcp/p6/plan/recheck-p6.js';
import { updateActivityPlan } from '../../../src/mcp/p6/plan/update-activity-plan.js';
import { P6ToolError } from '../../../src/mcp/p6/p6-tool-error.js';
import { ChildPlan } from '../../../src/base/contracts/plan-protocol.js';
import { startP6Fake, type P6Fake } from '../../fixtures/p6/start-p6-fake.js';

const TAIL = 'Nothing was run; call the tool again to see a fresh plan and approve that.';

describe('P6 plans: what each write names and binds', () => {
  let fake: P6Fake;
  let dispatcher: Agent;
  let client: P6Client;
  let acts: { id: number; code: string; project: number }[];

  const plan = (input: Partial<CallPlanInput> & Pick<CallPlanInput, 'method'>) => callPlan(client, { segments: ['activity'], query: {}, ...input });
  const refuses = async (input: Partial<CallPlanInput> & Pick<CallPlanInput, 'method'>, code: string, message: RegExp | string) => {
    await assert.rejects(plan(input), (e: unknown) => {
      assert.ok(e instanceof P6ToolError, String(e));
      assert.equal(e.code, code);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    });
  };

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'admin', password: 'pw' }], dataset: { projects: 2, bigProjectActivities: 6, bigProjectWbs: 2 } });
    dispatcher = new Agent();
    let cookie: string | undefined;
    const login = async () => (cookie = (await p6Login({ baseUrl: fake.url, database: 'PMDB', username: 'admin', password: 'pw', variant: 'headers', dispatcher })).cookieHeader);
    client = new P6Client({ baseUrl: fake.url, dispatcher, database: 'PMDB', session: { token: async () => cookie ?? login(), renew: login } });
    acts = fake.store.rows('activity').map((a) => ({ id: a['ObjectId'] as number, code: String(a['Id']), project: a['ProjectObjectId'] as number }));
    for (const [i, a] of acts.entries()) fake.store.update('activity', a.id, { PercentComplete: 10 + i, Status: 'Not Started', LastUpdateDate: `2026-11-30T09:00:0${i % 10}` });
  });
  after(async () => {
    await dispatcher?.close();
    await fake?.stop();
  });

  describe('GET, POST and DELETE', () => {
    it('a GET names its path and changes nothing, with or without a query', async () => {
      assert.deepEqual(await plan({ method: 'GET', segments: ['calendar', 'totalWorkHours'] }), { summary: 'Read calendar/totalWorkHours from P6 (GET); nothing changes', changes: [], objects: ['P6 calendar/totalWorkHours'], precondition: [] });
      assert.equal((await plan({ method: 'GET', query: { Fields: 'ObjectId', Filter: 'x' } })).summary, 'Read activity from P6 (GET with Fields, Filter); nothing changes');
    });

    it('a write takes no query parameter its plan would not show (a DELETE only ObjectId), naming at most five', async () => {
      await refuses({ method: 'POST', query: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' }, body: [{ Name: 'x' }] }, 'P6_BAD_ARGUMENTS', 'POST takes no query parameters (got a, b, c, d, e); send the objects in body');
      await refuses({ method: 'PUT', query: { ObjectId: '1' }, body: [{ ObjectId: 1 }] }, 'P6_BAD_ARGUMENTS', 'PUT takes no query parameters (got ObjectId); send the objects in body');
    });

    it('a DELETE names every ObjectId of its query and body once, trimmed, and binds no precondition', async () => {
      const p = await plan({ method: 'DELETE', query: { ObjectId: ' 101, 102,,101 ' }, body: [{ ObjectId: 102 }, { ObjectId: 103 }] });
      assert.deepEqual(p, {
        summary: 'Delete 3 activity object(s) in P6 (DELETE activity, ObjectId 101, 102, 103)',
        changes: ['101', '102', '103'].map((id) => ({ object: `activity ${id}`, field: 'object', before: 'exists' })),
        objects: ['activity 101', 'activity 102', 'activity 103'],
        precondition: [],
      });
    });

    it('a DELETE body lists integer ObjectIds only; a DELETE without ids is refused', async () => {
      const only = /^a DELETE body may only list objects as \[\{"ObjectId":101\}\]/;
      for (const body of [[{ ObjectId: '5000' }], [{ ObjectId: 1.5 }], [{ ObjectId: 2 ** 53 }], [{ ObjectId: 1 }, {}], [{ objectId: 1 }]]) {
        await refuses({ method: 'DELETE', query: { ObjectId: '101' }, body }, 'P6_BAD_ARGUMENTS', only);
      }
      await refuses({ method: 'DELETE', query: { ObjectId: ' , ' } }, 'P6_BAD_ARGUMENTS', /^DELETE needs query.ObjectId/);
      await refuses({ method: 'DELETE', body: [] }, 'P6_BAD_ARGUMENTS', /^DELETE needs query.ObjectId/);
    });

    it('a DELETE of many names ten in its summary, fifty as changes and a hundred as objects', async () => {
      const ids = Array.from({ length: 120 }, (_, i) => String(1000 + i));
      const p = await plan({ method: 'DELETE', query: { ObjectId: ids.join(',') } });
      assert.equal(p.summary, `Delete 120 activity object(s) in P6 (DELETE activity, ObjectId ${ids.slice(0, 10).join(', ')}, …)`);
      assert.deepEqual([p.changes.length, p.objects.length], [50, 100]);
      assert.equal((await plan({ method: 'DELETE', query: { ObjectId: ids.slice(0, 10).join(',') } })).summary, `Delete 10 activity object(s) in P6 (DELETE activity, ObjectId ${ids.slice(0, 10).join(', ')})`);
    });

    it('a POST or PUT needs a body; a POST shows every new object\'s fields (twenty each, fifty objects, 500 changes at most)', async () => {
      await refuses({ method: 'POST' }, 'P6_BAD_ARGUMENTS', 'POST needs body: a non-empty array of objects');
      await refuses({ method: 'PUT', body: [] }, 'P6_BAD_ARGUMENTS', 'PUT needs body: a non-empty array of objects');
      const p = await plan({ method: 'POST', segments: ['calendar'], body: [{ Name: 'Night', Hours: 8 }, { Name: '' }] });
      assert.deepEqual(p, {
        summary: 'Create 2 calendar object(s) in P6 (POST calendar: 2 object(s) with Name, Hours)',
        changes: [{ object: 'new calendar #1', field: 'Name', after: "'Night'" }, { object: 'new calendar #1', field: 'Hours', after: '8' }, { object: 'new calendar #2', field: 'Name', after: '(empty)' }],
        objects: ['P6 calendar'],
        precondition: [],
      });
      const wide = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`F${i}`, i]));
      const many = await plan({ method: 'POST', segments: ['calendar'], body: Array.from({ length: 60 }, () => wide) });
      // Fifty objects of twenty fields would be 1,000: the plan contract's limit is 500 changes.
      assert.equal(many.changes.length, 500);
      assert.equal(many.changes.at(-1)!.object, 'new calendar #25');
      assert.match(many.summary, /^Create 60 calendar object\(s\) in P6 \(POST calendar: 60 object\(s\) with F0, F1, F2, F3, F4, F5, F6, F7, …\)$/);
      const eight = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`F${i}`, i]));
      assert.match((await plan({ method: 'POST', segments: ['calendar'], body: [eight] })).summary, /with F0, F1, F2, F3, F4, F5, F6, F7\)$/);
      // Fifty objects at most even when their changes would fit in 500.
      const narrow = await plan({ method: 'POST', segments: ['calendar'], body: Array.from({ length: 60 }, (_, i) => ({ Name: `c${i}` })) });
      assert.deepEqual([narrow.changes.length, narrow.changes.at(-1)!.object], [50, 'new calendar #50']);
    });
  });

  describe('PUT', () => {
    it('every object needs an integer ObjectId', async () => {
      for (const body of [[{ PercentComplete: 1 }], [{ ObjectId: '7', PercentComplete: 1 }], [{ ObjectId: 7.5 }], [{ ObjectId: 1 }, { ObjectId: 2 ** 53 }]]) {
        await refuses({ method: 'PUT', body }, 'P6_BAD_ARGUMENTS', 'every PUT object needs an integer ObjectId (find it with the p6_list tools)');
      }
    });

    it('a path or field it cannot read shows the new values and says the current ones were not read', async () => {
      const expect = (path: string, objects: string[]) => ({ summary: `Update 2 ${path} object(s) in P6 (PUT ${path}: 2 object(s) with ObjectId, Name, Bad-Field); current values not read for this path`, changes: [{ object: objects[0], field: 'Name', after: "'A'" }, { object: objects[1], field: 'Bad-Field', after: '1' }], objects, precondition: [] });
      const body = [{ ObjectId: 1, Name: 'A' }, { ObjectId: 2, 'Bad-Field': 1 }];
      assert.deepEqual(await plan({ method: 'PUT', segments: ['calendar'], body }), expect('calendar', ['calendar 1', 'calendar 2']));
      assert.deepEqual(await plan({ method: 'PUT', segments: ['activity'], body }), expect('activity', ['activity 1', 'activity 2']));
      // A known resource under a longer path is not the resource the plan would read.
      const nested = await plan({ method: 'PUT', segments: ['activity', 'x'], body: [{ ObjectId: acts[0]!.id, Name: 'A' }] });
      assert.deepEqual([nested.precondition, nested.changes[0]?.before], [[], undefined]);
      // Nor is a path named like a member every object has (the path guard lets these names through).
      for (const path of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
        fake.resetCounts();
        const member = await plan({ method: 'PUT', segments: [path], body: [{ ObjectId: 1, Name: 'A' }] });
        assert.deepEqual(member, { summary: `Update 1 ${path} object(s) in P6 (PUT ${path}: 1 object(s) with ObjectId, Name); current values not read for this path`, changes: [{ object: `${path} 1`, field: 'Name', after: "'A'" }], objects: [`${path} 1`], precondition: [] });
        assert.deepEqual(fake.counts(), {}, `nothing read for ${path}`);
      }
      // Fifty objects' changes at most, every object named (up to 100).
      const narrow = await plan({ method: 'PUT', segments: ['calendar'], body: Array.from({ length: 60 }, (_, i) => ({ ObjectId: 1000 + i, Name: `c${i}` })) });
      assert.deepEqual([narrow.changes.length, narrow.changes.at(-1)!.object, narrow.objects.length], [50, 'calendar 1049', 60]);
    });

    it('reads the current value of every field it sets, and binds them with LastUpdateDate as the precondition', async () => {
      const [a, b] = [acts[0]!, acts[1]!];
      const p = await plan({ method: 'PUT', body: [{ ObjectId: b.id, PercentComplete: 50, Status: 'In Progress' }, { ObjectId: a.id, PercentComplete: 60 }] });
      const row = (id: number) => fake.store.find('activity', id)!;
      assert.deepEqual(p.changes, [
        { object: `activity ${b.id}`, field: 'PercentComplete', before: String(row(b.id)['PercentComplete']), after: '50' },
        { object: `activity ${b.id}`, field: 'Status', before: "'Not Started'", after: "'In Progress'" },
        { object: `activity ${a.id}`, field: 'PercentComplete', before: String(row(a.id)['PercentComplete']), after: '60' },
      ]);
      // Every field any object sets is read and bound for every object (the union), in body order.
      assert.deepEqual(p.precondition, [b, a].map((x) => ({ object: `activity ${x.id}`, type: 'activity', id: String(x.id), values: { LastUpdateDate: String(row(x.id)['LastUpdateDate']), PercentComplete: String(row(x.id)['PercentComplete']), Status: 'Not Started' } })));
      assert.deepEqual(p.objects, [`activity ${b.id}`, `activity ${a.id}`]);
      assert.equal(p.summary, `Update 2 activity object(s) in P6 (PUT activity): PercentComplete ${String(row(b.id)['PercentComplete'])} → 50, Status 'Not Started' → 'In Progress', PercentComplete ${String(row(a.id)['PercentComplete'])} → 60`);
    });

    it('names the one object it updates, and cuts its summary after three changes', async () => {
      const a = acts[0]!;
      const before = fake.store.find('activity', a.id)!;
      const p = await plan({ method: 'PUT', body: [{ ObjectId: a.id, PercentComplete: 50, Status: 'In Progress', PlannedDuration: 8, RemainingDuration: 4 }] });
      assert.equal(p.summary, `Update 1 activity object(s) in P6 (PUT activity): PercentComplete ${String(before['PercentComplete'])} → 50, Status 'Not Started' → 'In Progress', PlannedDuration ${showP6Value(before['PlannedDuration'])} → 8, … on activity ${a.id}`);
      assert.equal(p.changes.length, 4);
    });

    it('a resource without LastUpdateDate binds the fields it reads only', async () => {
      const wbs = fake.store.rows('wbs')[0]!;
      const p = await plan({ method: 'PUT', segments: ['wbs'], body: [{ ObjectId: wbs['ObjectId'], Name: 'Renamed' }] });
      assert.deepEqual(p.precondition, [{ object: `wbs ${String(wbs['ObjectId'])}`, type: 'wbs', id: String(wbs['ObjectId']), values: { Name: String(wbs['Name']) } }]);
      assert.equal(p.facts, undefined, 'no facts for a wbs: a rule on them never allows');
    });

    it('reads the current values of each known resource, binding LastUpdateDate exactly where P6 has it', async () => {
      const cases: [string, string, boolean][] = [['activity', 'Name', true], ['project', 'Name', true], ['obs', 'Name', true], ['wbs', 'Name', false], ['eps', 'Name', false], ['resource', 'Name', false], ['resourceAssignment', 'PlannedUnits', false], ['relationship', 'Lag', false]];
      for (const [resource, field, stamped] of cases) {
        const row = fake.store.rows(resource)[0]!;
        const p = await plan({ method: 'PUT', segments: [resource], body: [{ ObjectId: row['ObjectId'], [field]: 7 }] });
        assert.deepEqual(Object.keys(p.precondition[0]?.values ?? {}), stamped ? ['LastUpdateDate', field] : [field], resource);
        assert.equal(p.changes[0]?.before, showP6Value(row[field]), resource);
      }
    });

    it('refuses ObjectIds P6 does not have, naming up to ten, each once and in ascending order', async () => {
      const body = Array.from({ length: 12 }, (_, i) => ({ ObjectId: 990_000 + i, PercentComplete: 1 }));
      await refuses({ method: 'PUT', body: [{ ObjectId: acts[0]!.id, PercentComplete: 1 }, ...body] }, 'P6_NOT_FOUND', `no activity has ObjectId ${body.slice(0, 10).map((o) => o.ObjectId).join(', ')}; check the ObjectIds with the p6_list tools`);
      const unordered = [990_105, acts[0]!.id, 990_101, 990_105, 99_000_000].map((ObjectId) => ({ ObjectId, PercentComplete: 1 }));
      // Security: one object P6 did not return is enough; a plan without it would not name all the call writes.
      await refuses({ method: 'PUT', body: [{ ObjectId: acts[0]!.id, PercentComplete: 1 }, { ObjectId: 990_200, PercentComplete: 1 }] }, 'P6_NOT_FOUND', 'no activity has ObjectId 990200; check the ObjectIds with the p6_list tools');
      await refuses({ method: 'PUT', body: unordered }, 'P6_NOT_FOUND', 'no activity has ObjectId 990101, 990105, 99000000; check the ObjectIds with the p6_list tools');
    });

    it('reads one project\'s facts once for its activities, and none for more objects than a plan names', async () => {
      const same = acts.filter((a) => a.project === acts[0]!.project).slice(0, 2);
      assert.equal(same.length, 2);
      const p = await plan({ method: 'PUT', body: same.map((a) => ({ ObjectId: a.id, PercentComplete: 1 })) });
      const facts = await readProjectFacts(client, acts[0]!.project);
      assert.deepEqual(p.facts, [facts, facts]);
      fake.resetCounts();
      await plan({ method: 'PUT', body: same.map((a) => ({ ObjectId: a.id, PercentComplete: 1 })) });
      assert.equal(fake.counts()['GET /p6ws/restapi/project'], 1, JSON.stringify(fake.counts()));
    });
  });

  describe('PUT of many objects: within the contract, and facts only when every object has them', () => {
    it('a PUT or POST on a path whose current values are not read shows at most 500 changes (50 objects of 20 fields at most) and names at most 100, within the contract', async () => {
      const fields = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`F${i}`, i]));
      const p = await plan({ method: 'PUT', segments: ['calendar'], body: Array.from({ length: 120 }, (_, i) => ({ ObjectId: 1000 + i, ...fields })) });
      assert.match(p.summary, /^Update 120 calendar object\(s\) in P6 \(PUT calendar: .*\); current values not read for this path$/);
      // 50 objects of 20 fields would be 1,000 changes: the contract's 500 are the first 25 objects' (the gateway refused the plan before).
      assert.deepEqual([p.changes.length, p.objects.length, p.precondition.length], [500, 100, 0]);
      assert.deepEqual(p.changes[0], { object: 'calendar 1000', field: 'F0', after: '0' });
      assert.deepEqual(p.changes.filter((c) => c.field === 'ObjectId' || c.field === 'F20'), [], 'no ObjectId, and twenty fields an object at most');
      assert.equal(p.changes.at(-1)!.object, 'calendar 1024');
      assert.equal(p.objects.at(-1), 'calendar 1099');
      assert.ok(ChildPlan.safeParse({ ...p, changes: [...p.changes], objects: [...p.objects], hash: 'ab'.repeat(32) }).success, 'the gateway would refuse a plan past the contract');
      const post = await plan({ method: 'POST', segments: ['calendar'], body: Array.from({ length: 60 }, () => ({ ...fields })) });
      assert.equal(post.changes.length, 500);
      assert.ok(ChildPlan.safeParse({ ...post, changes: [...post.changes], objects: [...post.objects], hash: 'ab'.repeat(32) }).success, 'the gateway would refuse a POST plan past the contract');
    });

    it('a GET with a body is a bad argument, not a plan', async () => {
      await refuses({ method: 'GET', body: [{ ObjectId: 1 }] }, 'P6_BAD_ARGUMENTS', /^GET takes no body; put filters in query/);
    });

    it('binds 100 objects and shows 500 changes at most; facts for up to 100 objects, none past that', async () => {
      const project = acts[0]!.project;
      const ids = fake.store.insert('activity', Array.from({ length: 101 }, (_, i) => ({ Id: `M${i}`, Name: `m${i}`, ProjectObjectId: project, ProjectId: 'P', PercentComplete: 1, Status: 'Not Started', PlannedDuration: 1, RemainingDuration: 1, ActualDuration: 0, LastUpdateDate: '2026-11-30T09:00:00' })));
      try {
        const set = { PercentComplete: 2, Status: 'In Progress', PlannedDuration: 2, RemainingDuration: 2, ActualDuration: 1 };
        const hundred = await plan({ method: 'PUT', body: ids.slice(0, 100).map((id) => ({ ObjectId: id, ...set })) });
        assert.deepEqual([hundred.changes.length, hundred.precondition.length, hundred.objects.length, hundred.facts?.length], [500, 100, 100, 100]);
        const all = await plan({ method: 'PUT', body: ids.map((id) => ({ ObjectId: id, ...set })) });
        assert.deepEqual([all.changes.length, all.precondition.length, all.objects.length, all.facts], [500, 100, 100, undefined]);
        // What the gateway accepts from a child: a plan past the contract's limits would be refused.
        for (const p of [hundred, all]) assert.ok(ChildPlan.safeParse({ ...p, changes: [...p.changes], objects: [...p.objects], hash: 'ab'.repeat(32), ...(p.facts && { facts: [...p.facts] }) }).success, 'the gateway would refuse a plan past the contract');
      } finally {
        fake.store.delete('activity', ids);
      }
    });
  });

  describe('p6_update_activity', () => {
    it('says each change, an unchanged value as such, and joins them as a sentence', async () => {
      const a = acts[2]!;
      const row = fake.store.find('activity', a.id)!;
      const where = `activity ${a.code} in project ${String(row['ProjectId'])}`;
      const one = await updateActivityPlan(client, a.id, { PercentComplete: 70 });
      assert.equal(one.summary, `Set PercentComplete ${String(row['PercentComplete'])} → 70 on ${where}`);
      assert.deepEqual(one.objects, [`${where} (ObjectId ${a.id})`]);
      assert.deepEqual(one.precondition, [{ object: `activity ${a.code}`, type: 'activity', id: String(a.id), values: { LastUpdateDate: String(row['LastUpdateDate']), PercentComplete: String(row['PercentComplete']) } }]);
      const three = await updateActivityPlan(client, a.id, { PercentComplete: 70, Status: 'Not Started', PlannedDuration: 3 });
      assert.equal(three.summary, `Set PercentComplete ${String(row['PercentComplete'])} → 70, Status 'Not Started' (unchanged) and PlannedDuration ${showP6Value(row['PlannedDuration'])} → 3 on ${where}`);
      assert.deepEqual(three.changes.map((c) => [c.field, c.before, c.after]), [['PercentComplete', String(row['PercentComplete']), '70'], ['Status', "'Not Started'", "'Not Started'"], ['PlannedDuration', showP6Value(row['PlannedDuration']), '3']]);
      assert.deepEqual(three.facts, [await readProjectFacts(client, a.project)]);
    });

    it('refuses an empty change and an activity P6 does not have', async () => {
      await assert.rejects(updateActivityPlan(client, acts[0]!.id, {}), { code: 'P6_BAD_ARGUMENTS', message: 'changes is empty; name at least one field to change' });
      await assert.rejects(updateActivityPlan(client, 987_654, { PercentComplete: 1 }), { code: 'P6_NOT_FOUND', message: 'no activity has ObjectId 987654; find it with p6_list_activities' });
    });

    it('names an activity without a code or project by its ObjectId', async () => {
      const a = acts[3]!;
      fake.store.update('activity', a.id, { Id: null, ProjectId: null });
      try {
        const p = await updateActivityPlan(client, a.id, { PercentComplete: 1 });
        assert.match(p.summary, new RegExp(`on activity ${a.id}$`));
        assert.deepEqual(p.objects, [`activity ${a.id} (ObjectId ${a.id})`]);
      } finally {
        fake.store.update('activity', a.id, { Id: a.code });
      }
    });
  });

  describe('the re-check before an approved write (Security)', () => {
    it('finds nothing while every value holds, reading the fields once each', async () => {
      const p = await plan({ method: 'PUT', body: [{ ObjectId: acts[4]!.id, PercentComplete: 5 }] });
      assert.equal(await recheckP6(client, p.precondition), undefined);
      assert.equal(await recheckP6(client, []), undefined);
    });

    it('says it was updated by someone else when LastUpdateDate moved, naming that first', async () => {
      const a = acts[4]!;
      const p = await plan({ method: 'PUT', body: [{ ObjectId: a.id, PercentComplete: 5 }] });
      const was = fake.store.find('activity', a.id)!;
      fake.store.update('activity', a.id, { PercentComplete: 6, LastUpdateDate: '2026-12-01T00:00:00' });
      assert.equal(await recheckP6(client, p.precondition), `activity ${a.id} changed since you approved: it was updated in P6 by someone else (LastUpdateDate ${String(was['LastUpdateDate'])} → 2026-12-01T00:00:00, PercentComplete ${String(was['PercentComplete'])} → 6). ${TAIL}`);
      // The field alone (a P6 that did not stamp the date) is named as the change.
      const q = await plan({ method: 'PUT', body: [{ ObjectId: a.id, PercentComplete: 5 }] });
      fake.store.update('activity', a.id, { PercentComplete: 7 });
      assert.equal(await recheckP6(client, q.precondition), `activity ${a.id} changed since you approved: its PercentComplete was changed by someone else (PercentComplete 6 → 7). ${TAIL}`);
    });

    it('of several objects, names first the one P6 says was updated, with its own changes only', async () => {
      const [a, b] = [acts[1]!, acts[2]!];
      const p = await plan({ method: 'PUT', body: [{ ObjectId: a.id, PercentComplete: 5 }, { ObjectId: b.id, PercentComplete: 5 }] });
      const [wasA, wasB] = [fake.store.find('activity', a.id)!, fake.store.find('activity', b.id)!];
      try {
        // The first object's field changed without a new date (a P6 that did not stamp it); the second was updated.
        fake.store.update('activity', a.id, { PercentComplete: 77 });
        fake.store.update('activity', b.id, { PercentComplete: 78, LastUpdateDate: '2026-12-02T00:00:00' });
        assert.equal(await recheckP6(client, p.precondition), `activity ${b.id} changed since you approved: it was updated in P6 by someone else (LastUpdateDate ${String(wasB['LastUpdateDate'])} → 2026-12-02T00:00:00, PercentComplete ${String(wasB['PercentComplete'])} → 78). ${TAIL}`);
      } finally {
        fake.store.update('activity', a.id, { PercentComplete: wasA['PercentComplete']!, LastUpdateDate: wasA['LastUpdateDate']! });
        fake.store.update('activity', b.id, { PercentComplete: wasB['PercentComplete']!, LastUpdateDate: wasB['LastUpdateDate']! });
      }
    });

    it('says an object that was deleted no longer exists', async () => {
      const a = acts[5]!;
      const p = await plan({ method: 'PUT', body: [{ ObjectId: a.id, PercentComplete: 5 }] });
      fake.store.delete('activity', [a.id]);
      assert.equal(await recheckP6(client, p.precondition), `activity ${a.id} changed since you approved: it no longer exists. ${TAIL}`);
    });
  });
});

describe('P6 values as plans show and bind them', () => {
  it('shows empty as (empty), numbers and booleans bare, text quoted, the rest as JSON', () => {
    assert.deepEqual([undefined, null, '', 0, false, 'x', [1], { a: 1 }].map(showP6Value), ['(empty)', '(empty)', '(empty)', '0', 'false', "'x'", '[1]', '{"a":1}']);
  });

  it('binds unset as empty, text as it is, anything else as its JSON', () => {
    assert.deepEqual([undefined, null, '', 'x', 1, true, [1]].map(preconditionP6Value), ['', '', '', 'x', '1', 'true', '[1]']);
    assert.equal(preconditionP6Value('0'), '0');
  });
});
