// D220 (round 11): the result settler does `_onresponse`'s steps for a plain result. Round 12's
// mutation run of validated-dispatch.ts (A6-mutation) showed two of its paths no test reached:
// a request queued for a task (its result goes to the request's resolver, as the SDK's own
// method sends it), and a client without the fields the settler reads (a future SDK: the result
// is left to the SDK's method, decided when installed and again at each result). Each through a
// real SDK `Client`, answered by hand, compared with the same client without the settler.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTaskMessageQueue, InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { dispatchValidated } from '../../../src/platform/gateway/validated-dispatch.js';

/** What the settler reads on the SDK's Protocol (TypeScript-private). */
interface State {
  _requestResolvers: Map<number, unknown>;
  _responseHandlers: Map<number, unknown>;
  _progressHandlers: Map<number, unknown>;
  _timeoutInfo: Map<number, unknown>;
  _onresponse: (r: JSONRPCMessage) => void;
}

/** A client connected to a peer that answers `initialize` and records every other request's id. */
async function connected(options: ConstructorParameters<typeof Client>[1] = { capabilities: {} }) {
  const client = new Client({ name: 'c', version: '1' }, options);
  const [mine, peer] = InMemoryTransport.createLinkedPair();
  const asked: number[] = [];
  peer.onmessage = (m) => {
    const r = m as { id?: number; method: string };
    if (r.method === 'initialize') void peer.send({ jsonrpc: '2.0', id: r.id!, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } });
    else if (r.id !== undefined) asked.push(r.id);
  };
  await peer.start();
  await client.connect(mine);
  const state = client as unknown as State;
  const counted = { bySdk: 0 };
  const sdkOnresponse = state._onresponse;
  state._onresponse = function (this: unknown, r: JSONRPCMessage) { counted.bySdk++; return sdkOnresponse.call(this, r); };
  /** A response as the child's transport hands it on: parsed from JSON text. */
  const reply = (m: unknown) => mine.onmessage!(JSON.parse(JSON.stringify(m)) as JSONRPCMessage);
  return { client, mine, asked, state, counted, reply };
}

/** A Map's methods on an object that is not a Map: what an SDK with other bookkeeping would hold. */
function notAMap<K, V>(inner: Map<K, V>): Map<K, V> {
  const like = {
    get: (k: K) => inner.get(k),
    set: (k: K, v: V) => { inner.set(k, v); return like; },
    has: (k: K) => inner.has(k),
    delete: (k: K) => inner.delete(k),
    clear: () => inner.clear(),
    keys: () => inner.keys(),
    values: () => inner.values(),
    entries: () => inner.entries(),
    forEach: (f: (v: V, k: K, m: Map<K, V>) => void) => inner.forEach(f),
    get size() { return inner.size; },
    [Symbol.iterator]: () => inner[Symbol.iterator](),
  };
  return like as unknown as Map<K, V>;
}

const result = z.looseObject({ content: z.array(z.unknown()).optional() });
const waitFor = async (done: () => boolean) => { while (!done()) await new Promise((resolve) => setImmediate(resolve)); };

describe('the result settler (D220): the paths round 12\'s mutation run showed', () => {
  it("settles a request queued for a task through its resolver, leaving the client as the SDK's own _onresponse does", async () => {
    const run = async (direct: boolean) => {
      const c = await connected({ capabilities: {}, taskStore: new InMemoryTaskStore(), taskMessageQueue: new InMemoryTaskMessageQueue() });
      if (direct) assert.equal(dispatchValidated(c.client, c.mine, 'results'), true, 'installed');
      // A request related to a task is queued, not sent: its result comes back through the resolver.
      const queued = c.client.request({ method: 'tools/call', params: { name: 'queued' } }, result, { timeout: 60_000, relatedTask: { taskId: 'task-1' } });
      await waitFor(() => c.state._requestResolvers.size === 1);
      const [id] = [...c.state._requestResolvers.keys()];
      c.reply({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'q' }] } });
      const settled = await queued;
      const held = { resolvers: c.state._requestResolvers.size, responseHandlers: c.state._responseHandlers.size, progressHandlers: c.state._progressHandlers.size, timeouts: c.state._timeoutInfo.size };
      const { bySdk } = c.counted;
      await c.client.close();
      return { settled, held, bySdk };
    };
    const sdk = await run(false);
    const ours = await run(true);
    assert.deepEqual(sdk.settled, { content: [{ type: 'text', text: 'q' }] }, 'the SDK delivers the queued request\'s result');
    assert.equal(sdk.bySdk, 1, 'through its _onresponse');
    assert.equal(ours.bySdk, 0, 'the settler delivers it itself (and does not hand it on afterwards)');
    assert.deepEqual({ ...ours, bySdk: 0 }, { ...sdk, bySdk: 0 }, 'the same result and the same bookkeeping left behind (the resolver taken out)');
    assert.equal(sdk.held.resolvers, 0, 'the SDK takes the resolver out');
  });

  for (const field of ['_requestResolvers', '_responseHandlers', '_progressHandlers'] as const) {
    it(`leaves every result to the SDK's _onresponse on a client whose ${field} is no Map (an SDK it was not written for)`, async () => {
      const c = await connected();
      (c.state as unknown as Record<string, unknown>)[field] = notAMap(c.state[field]);
      assert.equal(dispatchValidated(c.client, c.mine, 'results'), true, 'installed (the sort still skips the SDK\'s guards)');
      const call = c.client.request({ method: 'tools/call', params: { name: 'x' } }, result);
      await waitFor(() => c.asked.length === 1);
      c.reply({ jsonrpc: '2.0', id: c.asked[0], result: { content: [] } });
      assert.deepEqual(await call, { content: [] }, 'the result reaches the caller');
      assert.equal(c.counted.bySdk, 1, 'through the SDK\'s own method, not the settler');
      // The fields as the settler knows them again: it was decided at install that there is none.
      (c.state as unknown as Record<string, unknown>)[field] = new Map(c.state[field]);
      const again = c.client.request({ method: 'tools/call', params: { name: 'y' } }, result);
      await waitFor(() => c.asked.length === 2);
      c.reply({ jsonrpc: '2.0', id: c.asked[1], result: { content: [] } });
      assert.deepEqual(await again, { content: [] }, 'the next result too');
      assert.equal(c.counted.bySdk, 2, 'still through the SDK\'s method: no settler was made for this client');
      await c.client.close();
    });

    it(`hands a result to the SDK's _onresponse when ${field} stopped being a Map after the settler was installed`, async () => {
      const c = await connected();
      assert.equal(dispatchValidated(c.client, c.mine, 'results'), true, 'installed');
      const first = c.client.request({ method: 'tools/call', params: { name: 'x' } }, result);
      await waitFor(() => c.asked.length === 1);
      c.reply({ jsonrpc: '2.0', id: c.asked[0], result: { content: [] } });
      assert.deepEqual(await first, { content: [] }, 'settled');
      assert.equal(c.counted.bySdk, 0, 'by the settler while the fields are as it knows them');
      (c.state as unknown as Record<string, unknown>)[field] = notAMap(c.state[field]);
      const second = c.client.request({ method: 'tools/call', params: { name: 'y' } }, result);
      await waitFor(() => c.asked.length === 2);
      c.reply({ jsonrpc: '2.0', id: c.asked[1], result: { content: [] } });
      assert.deepEqual(await second, { content: [] }, 'the result reaches the caller');
      assert.equal(c.counted.bySdk, 1, 'the fields are read at each result: this one went to the SDK\'s method');
      await c.client.close();
    });
  }
});
