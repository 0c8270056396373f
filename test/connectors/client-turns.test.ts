// D201: a connector's limited turns (the vAPI client's six) go to the MCP clients
// in turn, each client's jobs in order, the client known through asClient across awaits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asClient, ClientTurns, currentClient } from '../../src/connectors/client-turns.js';

/** Jobs that start when given a turn and end when the test says; `started` is their order. */
function jobs(turns: ClientTurns) {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const add = (client: number | undefined, name: string) => asClient(client, () => turns.run(() => {
    started.push(name);
    return new Promise<string>((resolve) => finish.set(name, () => resolve(name)));
  }));
  return { started, finish, add };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('ClientTurns', () => {
  it('gives a freed turn to the waiting client with the fewest running, not to the one that queued first', async () => {
    const turns = new ClientTurns(2);
    const { started, finish, add } = jobs(turns);
    for (let i = 1; i <= 6; i++) void add(1, `a${i}`);
    for (let i = 1; i <= 2; i++) void add(2, `b${i}`);
    await settle();
    assert.deepEqual(started, ['a1', 'a2'], 'a fills the turns');
    for (const name of ['a1', 'a2', 'b1', 'a3']) {
      finish.get(name)!();
      await settle();
    }
    assert.deepEqual(started, ['a1', 'a2', 'b1', 'a3', 'b2', 'a4'], 'b\'s jobs go as soon as b runs fewer than a, not after all of a\'s');
    assert.equal(turns.active, 2, 'never more than the limit');
  });

  it('at a tie, takes turns (the client just served goes to the back), each client\'s jobs in order; jobs of no known client are one client', async () => {
    const turns = new ClientTurns(1);
    const { started, finish, add } = jobs(turns);
    void add(undefined, 'x1');
    void add(undefined, 'x2');
    void add(undefined, 'x3');
    void add(3, 'c1');
    void add(3, 'c2');
    await settle();
    for (const name of ['x1', 'c1', 'x2', 'c2']) {
      finish.get(name)!();
      await settle();
    }
    assert.deepEqual(started, ['x1', 'c1', 'x2', 'c2', 'x3'], 'the unknown ones take turns as one client, with c');
  });

  it('settles as its job does, a throwing job included, and frees the turn', async () => {
    const turns = new ClientTurns(1);
    await assert.rejects(turns.run(() => { throw new Error('sync'); }), /sync/, 'a job that throws rejects');
    await assert.rejects(turns.run(() => Promise.reject(new Error('async'))), /async/, 'a job that rejects rejects');
    assert.equal(await turns.run(async () => 7), 7, 'the turn came back: the next job ran');
    assert.equal(turns.active, 0, 'nothing holds a turn');
  });

  it('knows the client across awaits, and none outside or inside an unknown one', async () => {
    assert.equal(currentClient(), undefined, 'no client outside');
    const seen = await asClient(5, async () => {
      await settle();
      const inner = asClient(undefined, () => currentClient());
      return [currentClient(), inner];
    });
    assert.deepEqual(seen, [5, undefined], 'the client after an await; none inside a call of no client');
  });
});
