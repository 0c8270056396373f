// The edges of a P6 project's policy facts (issue 14): a fact is read whole or left out, never
// guessed, so a rule that needs it cannot allow (and a deny rule on it denies). OBS/EPS trees
// that loop, run deep or break; project codes that are too many, too long or incomplete.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { P6Client } from '../../../src/connectors/p6/client/p6-client.js';
import { p6Login } from '../../../src/connectors/p6/session/p6-login.js';
import { readProjectFacts } from '../../../src/mcp/p6/plan/project-facts.js';
import { startP6Fake, type P6Fake } from '../../fixtures/p6/start-p6-fake.js';
import type { Row } from '../../fixtures/p6/data-store.js';

describe('P6 project facts: read whole or left out (Security)', () => {
  let fake: P6Fake;
  let dispatcher: Agent;
  let client: P6Client;
  let project: number;

  /** OBS rows 1000.. as a chain of `n` nodes, the first the root; returns the last one's ObjectId. */
  const obsChain = (n: number, named = true): number => {
    const rows: Row[] = Array.from({ length: n }, (_, i) => ({ ObjectId: 1000 + i, ...(named && { Name: `n${i}` }), ParentObjectId: i === 0 ? null : 999 + i }));
    fake.store.replace('obs', rows);
    return 999 + n;
  };
  const codes = (rows: { type: unknown; value: unknown }[]) => fake.store.replace('projectCodeAssignment', rows.map(({ type, value }) => ({ ProjectObjectId: project, ProjectCodeTypeName: type as Row[string], ProjectCodeValue: value as Row[string] })));

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'admin', password: 'pw' }], dataset: { projects: 1, bigProjectActivities: 2, bigProjectWbs: 1 } });
    dispatcher = new Agent();
    let cookie: string | undefined;
    const login = async () => (cookie = (await p6Login({ baseUrl: fake.url, database: 'PMDB', username: 'admin', password: 'pw', variant: 'headers', dispatcher })).cookieHeader);
    client = new P6Client({ baseUrl: fake.url, dispatcher, database: 'PMDB', session: { token: async () => cookie ?? login(), renew: login } });
    project = fake.store.rows('project')[0]!['ObjectId'] as number;
  });
  beforeEach(() => {
    fake.store.update('project', project, { Id: 'NORTH', Name: 'North line', Status: 'Active', OBSObjectId: obsChain(2), ParentEPSObjectId: null });
    codes([]);
  });
  after(async () => {
    await dispatcher?.close();
    await fake?.stop();
  });

  it('reads id, name, status, the OBS path root first and the codes; an EPS link that is not a number leaves the EPS out', async () => {
    assert.deepEqual(await readProjectFacts(client, project), { project: 'NORTH', projectName: 'North line', status: 'Active', obs: 'n0/n1', codes: [] });
  });

  it('a field P6 leaves out is no fact: never the text "undefined"', async () => {
    fake.store.update('project', project, { Id: null, Name: null, Status: null });
    assert.deepEqual(await readProjectFacts(client, project), { obs: 'n0/n1', codes: [] });
  });

  it('a project that is not there, or no project id at all, has no facts', async () => {
    assert.deepEqual(await readProjectFacts(client, 987_654), {});
    fake.resetCounts();
    for (const id of [undefined, '12', null]) assert.deepEqual(await readProjectFacts(client, id), {});
    assert.deepEqual(fake.counts(), {}, 'nothing read without a project id');
  });

  it('walks up to 32 OBS levels; a deeper tree, a loop or a missing parent leaves the OBS out', async () => {
    fake.store.update('project', project, { OBSObjectId: obsChain(32) });
    assert.equal((await readProjectFacts(client, project))['obs'], Array.from({ length: 32 }, (_, i) => `n${i}`).join('/'));
    fake.store.update('project', project, { OBSObjectId: obsChain(33) });
    assert.equal('obs' in (await readProjectFacts(client, project)), false);
    fake.store.replace('obs', [{ ObjectId: 1000, Name: 'a', ParentObjectId: 1001 }, { ObjectId: 1001, Name: 'b', ParentObjectId: 1000 }]);
    fake.store.update('project', project, { OBSObjectId: 1000 });
    assert.equal('obs' in (await readProjectFacts(client, project)), false);
    fake.store.replace('obs', [{ ObjectId: 1000, Name: 'a', ParentObjectId: 4242 }]);
    fake.store.replace('eps', [{ ObjectId: 2000, Name: 'Enterprise', ParentObjectId: null }, { ObjectId: 2001, Name: 'Rail', ParentObjectId: 2000 }]);
    fake.store.update('project', project, { ParentEPSObjectId: 2001 });
    const facts = await readProjectFacts(client, project);
    assert.equal('obs' in facts, false);
    assert.deepEqual([facts['status'], facts['eps']], ['Active', 'Enterprise/Rail'], 'the other facts are still read');
  });

  it('a node without a name is an empty step of the path', async () => {
    fake.store.update('project', project, { OBSObjectId: obsChain(2, false) });
    assert.equal((await readProjectFacts(client, project))['obs'], '/');
  });

  it('codes are Type:Value, once each, sorted', async () => {
    codes([{ type: 'Region', value: 'NORTH' }, { type: 'Programme', value: 'CP7' }, { type: 'Region', value: 'NORTH' }]);
    assert.deepEqual((await readProjectFacts(client, project))['codes'], ['Programme:CP7', 'Region:NORTH']);
  });

  it('up to 100 codes of up to 256 characters are the fact; more, longer or incomplete ones leave it out', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'T', value: `v${String(i).padStart(3, '0')}` }));
    codes(many(100));
    assert.equal((await readProjectFacts(client, project))['codes']?.length, 100);
    codes(many(101));
    assert.equal('codes' in (await readProjectFacts(client, project)), false);
    codes([{ type: 'T', value: 'v'.repeat(254) }]);
    assert.deepEqual((await readProjectFacts(client, project))['codes'], [`T:${'v'.repeat(254)}`]);
    codes([{ type: 'T', value: 'v'.repeat(255) }]);
    assert.equal('codes' in (await readProjectFacts(client, project)), false);
    for (const incomplete of [{ type: '', value: 'x' }, { type: 'T', value: '' }, { type: 7, value: 'x' }, { type: 'T', value: 7 }, { type: null, value: 'x' }]) {
      codes([{ type: 'Region', value: 'NORTH' }, incomplete]);
      assert.equal('codes' in (await readProjectFacts(client, project)), false, JSON.stringify(incomplete));
    }
  });
});
