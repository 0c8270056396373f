// P6 project facts for policy rules (issue 14) against the P6 fake with the real P6Client:
// OBS and EPS paths, status, and project codes as `Type:Value`. Codes that cannot be read
// (a P6 without ProjectCodeAssignment) or only partly (an assignment without its value) leave
// the fact unknown, so a rule on codes never allows and a deny rule on codes denies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { PolicyRule } from '../../../src/base/contracts/policy.js';
import { evaluateRules } from '../../../src/base/policy/evaluate-rules.js';
import { P6Client } from '../../../src/connectors/p6/client/p6-client.js';
import { p6Login } from '../../../src/connectors/p6/session/p6-login.js';
import { callPlan } from '../../../src/mcp/p6/plan/call-plan.js';
import { readProjectFacts } from '../../../src/mcp/p6/plan/project-facts.js';
import { startP6Fake, type P6Fake } from '../../fixtures/p6/start-p6-fake.js';

const decide = (rules: PolicyRule[], facts: Record<string, string | string[]>) =>
  evaluateRules(rules, { server: 'p6', tool: 'p6_update_activity', endpoint: 'pm', facts: [facts], now: 0, timeZone: 'UTC' }, { action: 'ask', reason: 'every change asks' });

describe('P6 project facts (issue 14)', () => {
  let fake: P6Fake;
  let dispatcher: Agent;
  let client: P6Client;
  let projects: number[];

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'admin', password: 'pw' }], dataset: { projects: 3, bigProjectActivities: 5, bigProjectWbs: 2 } });
    dispatcher = new Agent();
    let cookie: string | undefined;
    const login = async () => (cookie = (await p6Login({ baseUrl: fake.url, database: 'PMDB', username: 'admin', password: 'pw', variant: 'headers', dispatcher })).cookieHeader);
    client = new P6Client({ baseUrl: fake.url, dispatcher, database: 'PMDB', session: { token: async () => cookie ?? login(), renew: login } });
    projects = fake.store.rows('project').map((p) => p['ObjectId'] as number);
    fake.store.update('project', projects[0]!, { OBSObjectId: 14 });
    const code = (project: number, type: string, value: string | null) => ({ ProjectObjectId: project, ProjectCodeTypeName: type, ProjectCodeValue: value });
    fake.store.replace('projectCodeAssignment', [code(projects[0]!, 'Region', 'NORTH'), code(projects[0]!, 'Programme', 'CP7'), code(projects[2]!, 'Region', null)]);
  });
  after(async () => {
    await dispatcher?.close();
    await fake?.stop();
  });

  it('reads OBS and EPS paths root first, status, and codes as Type:Value (sorted); [] for a project without codes', async () => {
    const facts = await readProjectFacts(client, projects[0]);
    const row = fake.store.find('project', projects[0]!)!;
    assert.equal(facts['obs'], 'Enterprise/Construction/Rail Delivery/North Line');
    assert.match(String(facts['eps']), /^Enterprise\//);
    assert.deepEqual([facts['project'], facts['status']], [row['Id'], row['Status']]);
    assert.deepEqual(facts['codes'], ['Programme:CP7', 'Region:NORTH']);
    assert.deepEqual((await readProjectFacts(client, projects[1]))['codes'], []);
  });

  it('p6_call PUT plans carry the facts of each object\'s project (activity: its project; project: itself); other writes carry none', async () => {
    const activity = fake.store.rows('activity').find((a) => a['ProjectObjectId'] === projects[0])!;
    const other = fake.store.rows('activity').find((a) => a['ProjectObjectId'] === projects[1])!;
    const put = await callPlan(client, { method: 'PUT', segments: ['activity'], query: {}, body: [{ ObjectId: activity['ObjectId'], PercentComplete: 10 }, { ObjectId: other['ObjectId'], PercentComplete: 20 }] });
    assert.deepEqual(put.facts?.map((f) => f['obs']), ['Enterprise/Construction/Rail Delivery/North Line', (await readProjectFacts(client, projects[1]))['obs']]);
    assert.equal(put.facts?.length, put.objects.length, 'one facts object per named object');
    assert.ok(!('ProjectObjectId' in put.precondition[0]!.values), 'the project link is read for the facts, not bound as a precondition');
    const project = await callPlan(client, { method: 'PUT', segments: ['project'], query: {}, body: [{ ObjectId: projects[0], Description: 'x' }] });
    assert.deepEqual(project.facts?.[0]?.['codes'], ['Programme:CP7', 'Region:NORTH']);
    const del = await callPlan(client, { method: 'DELETE', segments: ['activity'], query: { ObjectId: String(activity['ObjectId']) } });
    assert.equal(del.facts, undefined, 'no facts: a rule on them never allows a DELETE');
  });

  it('an assignment without its value leaves codes unknown: a deny rule on codes denies (Security)', async () => {
    const facts = await readProjectFacts(client, projects[2]);
    assert.equal('codes' in facts, false, JSON.stringify(facts));
    assert.ok(facts['obs'], 'the other facts are still read');
    const deny = [PolicyRule.parse({ when: { codes: 'Region:SOUTH' }, action: 'deny', reason: 'south is frozen' })];
    assert.equal(decide(deny, facts).action, 'deny');
  });

  it('a P6 without ProjectCodeAssignment leaves codes unknown: an allow rule on codes never allows (Security)', async () => {
    assert.equal(fake.registry.unregister('projectCodeAssignment'), true);
    const facts = await readProjectFacts(client, projects[0]);
    assert.equal('codes' in facts, false, JSON.stringify(facts));
    assert.equal(facts['obs'], 'Enterprise/Construction/Rail Delivery/North Line');
    const allow = [PolicyRule.parse({ when: { codes: 'Region:NORTH' }, action: 'allow', reason: 'north runs' })];
    const d = decide(allow, facts);
    assert.deepEqual([d.action, d.unevaluated], ['ask', [{ rule: 0, missing: 'codes' }]]);
  });
});
