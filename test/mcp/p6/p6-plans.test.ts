// The P6 server's plan step (issue 11) over a real SDK Client and InMemoryTransport against
// the P6 fake: plans read and never write, guards fail before any I/O, and a call carrying an
// approved precondition re-reads it and refuses when P6 changed meanwhile.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PLAN_METHOD, PlanResult, type ChildPlan } from '../../../src/base/contracts/plan-protocol.js';
import { startP6Fake, type P6Fake } from '../../fixtures/p6/start-p6-fake.js';
import { connectP6Server, type ConnectedP6Server } from './connect-p6-server.js';

const PASSWORD = 'plan-Step-1';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('P6 plan step', () => {
  let fake: P6Fake;
  let s: ConnectedP6Server;
  let id: number;
  const plan = (name: string, args: Record<string, unknown>) => s.client.request({ method: PLAN_METHOD, params: { name, arguments: args } } as never, PlanResult);
  const okPlan = async (name: string, args: Record<string, unknown>): Promise<ChildPlan> => {
    const r = await plan(name, args);
    if (!r.ok) assert.fail(r.error);
    return r.plan;
  };
  const approvedCall = (name: string, args: Record<string, unknown>, approved: unknown) =>
    s.client.callTool({ name, arguments: args, _meta: { 'keybroker/approved': approved } }) as Promise<CallToolResult>;

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'planner', password: PASSWORD }], tls: true, dataset: { projects: 2, bigProjectActivities: 10, bigProjectWbs: 2 } });
    s = await connectP6Server(fake, PASSWORD);
    id = fake.store.rows('activity')[0]!['ObjectId'] as number;
    fake.store.update('activity', id, { PercentComplete: 10, LastUpdateDate: '2026-11-30T09:12:00' });
  });
  after(async () => {
    await s?.close();
    await fake?.stop();
  });

  it('plans p6_update_activity from the live row, with LastUpdateDate in the precondition, writing nothing', async () => {
    fake.resetCounts();
    const p = await okPlan('p6_update_activity', { objectId: id, changes: { PercentComplete: 20 } });
    assert.match(p.summary, /^Set PercentComplete 10 → 20 on activity A\d+ in project /);
    assert.deepEqual(p.precondition, [{ object: p.precondition[0]!.object, type: 'activity', id: String(id), values: { LastUpdateDate: '2026-11-30T09:12:00', PercentComplete: '10' } }]);
    assert.ok(Object.keys(fake.counts()).every((k) => k.startsWith('GET ') || k.startsWith('POST /p6ws/restapi/login')), JSON.stringify(fake.counts()));
  });

  it('runs the approved update while the precondition holds, and refuses once P6 changed', async () => {
    const args = { objectId: id, changes: { PercentComplete: 20 } };
    const p = await okPlan('p6_update_activity', args);
    const ok = await approvedCall('p6_update_activity', args, { planHash: p.hash, precondition: p.precondition });
    assert.equal(ok.isError, undefined, textOf(ok));
    assert.equal(fake.store.find('activity', id)?.['PercentComplete'], 20);
    // The fake stamped LastUpdateDate on the PUT, as P6 does: the old plan no longer holds.
    fake.resetCounts();
    const stale = await approvedCall('p6_update_activity', { objectId: id, changes: { PercentComplete: 30 } }, { planHash: p.hash, precondition: p.precondition });
    assert.equal(stale.isError, true);
    assert.match(textOf(stale), /changed since you approved: it was updated in P6 by someone else \(LastUpdateDate 2026-11-30T09:12:00 → .*PercentComplete 10 → 20\)/);
    assert.equal(fake.counts()['PUT /p6ws/restapi/activity'], undefined);
  });

  it('refuses a call whose approval is malformed instead of running it unchecked', async () => {
    const r = await approvedCall('p6_update_activity', { objectId: id, changes: { PercentComplete: 99 } }, { planHash: 'nope' });
    assert.equal(r.isError, true);
    assert.match(textOf(r), /approval it carried is malformed/);
    assert.notEqual(fake.store.find('activity', id)?.['PercentComplete'], 99);
  });

  it('p6_call plans say method, path and body; GET changes nothing; the path guard fails before any request', async () => {
    const get = await okPlan('p6_call', { method: 'GET', path: 'project', query: { Fields: 'ObjectId' } });
    assert.equal(get.summary, 'Read project from P6 (GET with Fields); nothing changes');
    assert.deepEqual([get.changes, get.precondition], [[], []]);
    const post = await okPlan('p6_call', { method: 'POST', path: 'calendar', body: [{ Name: 'Night shift' }] });
    assert.equal(post.summary, 'Create 1 calendar object(s) in P6 (POST calendar: 1 object(s) with Name)');
    const del = await plan('p6_call', { method: 'DELETE', path: 'activity' });
    assert.ok(!del.ok && /DELETE needs query.ObjectId/.test(del.error), 'a DELETE without query.ObjectId is refused before planning');
    // h13 review: ids hidden in a DELETE body (P6 versions that read them there) are named in
    // the plan, and a GET body, which no plan line shows, is refused.
    const hidden = await okPlan('p6_call', { method: 'DELETE', path: 'activity', query: { ObjectId: '101' }, body: [{ ObjectId: 5000 }, { ObjectId: 5001 }] });
    assert.deepEqual(hidden.objects, ['activity 101', 'activity 5000', 'activity 5001']);
    assert.match(hidden.summary, /^Delete 3 activity object\(s\) in P6 \(DELETE activity, ObjectId 101, 5000, 5001\)$/);
    const bodyOnly = await okPlan('p6_call', { method: 'DELETE', path: 'activity', body: [{ ObjectId: 5000 }] });
    assert.deepEqual(bodyOnly.objects, ['activity 5000']);
    const odd = await plan('p6_call', { method: 'DELETE', path: 'activity', query: { ObjectId: '101' }, body: [{ ObjectId: 5000, Name: 'x' }] });
    assert.ok(!odd.ok && /a DELETE body may only list objects/.test(odd.error), 'a DELETE body with fields besides ObjectId is refused');
    const putQuery = await plan('p6_call', { method: 'PUT', path: 'activity', query: { Mode: 'x' }, body: [{ ObjectId: id, PercentComplete: 1 }] });
    assert.ok(!putQuery.ok && /PUT takes no query parameters \(got Mode\)/.test(putQuery.error), 'a PUT with a query parameter is refused, naming it');
    const delQuery = await plan('p6_call', { method: 'DELETE', path: 'activity', query: { ObjectId: '101', Cascade: 'true' } });
    assert.ok(!delQuery.ok && /DELETE takes no query parameters but ObjectId \(got Cascade\)/.test(delQuery.error), 'a DELETE with a query parameter besides ObjectId is refused, naming it');
    const getBody = await plan('p6_call', { method: 'GET', path: 'project', body: [{ ObjectId: 1 }] });
    assert.ok(!getBody.ok && /GET takes no body/.test(getBody.error), 'a GET with a body is refused');
    fake.resetCounts();
    const escape = await plan('p6_call', { method: 'GET', path: '../../admin' });
    assert.ok(!escape.ok, 'refused');
    assert.deepEqual(fake.counts(), {}, 'no request reached P6');
  });
});
