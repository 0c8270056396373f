// refuseRepeatedRequestIds (D194) on a real SDK Server over an in-memory pair: a
// request reusing the id of one still served is answered -32600 and never reaches the
// Server; an id is free again once answered or cancelled.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { refuseRepeatedRequestIds, REPEATED_ID_MESSAGE } from '../../../src/platform/gateway/unique-request-ids.js';
import { until } from '../../support/wait.js';

const HoldRequest = z.object({ method: z.literal('test/hold'), params: z.object({ tag: z.string() }) });

async function world() {
  const server = new Server({ name: 't', version: '1' }, { capabilities: {} });
  const started: string[] = [];
  const aborted: string[] = [];
  const gates = new Map<string, () => void>();
  server.setRequestHandler(HoldRequest, async (request, extra) => {
    const tag = request.params.tag;
    started.push(tag);
    extra.signal.addEventListener('abort', () => aborted.push(tag));
    await new Promise<void>((resolve) => gates.set(tag, resolve));
    return { tag } as never;
  });
  const [peer, side] = InMemoryTransport.createLinkedPair();
  await server.connect(side);
  refuseRepeatedRequestIds(side);
  const seen: JSONRPCMessage[] = [];
  peer.onmessage = (m) => void seen.push(m);
  await peer.start();
  const send = (m: unknown) => peer.send(m as JSONRPCMessage);
  const hold = (id: string | number, tag: string) => send({ jsonrpc: '2.0', id, method: 'test/hold', params: { tag } });
  const answers = (id: string | number) => seen.filter((m) => 'id' in m && m.id === id && !('method' in m));
  return { server, started, aborted, gates, seen, send, hold, answers };
}

describe('refuseRepeatedRequestIds()', () => {
  it('answers a request that reuses a served id with -32600 and never hands it on; the first stays cancellable', async () => {
    const w = await world();
    await w.hold(1, 'first');
    await until('the first request served', () => w.started.length === 1);
    await w.hold(1, 'second');
    await until('the repeated id answered', () => w.answers(1).length === 1);
    assert.deepEqual(w.answers(1)[0], { jsonrpc: '2.0', id: 1, error: { code: ErrorCode.InvalidRequest, message: REPEATED_ID_MESSAGE } }, 'not the refusal');
    assert.equal(REPEATED_ID_MESSAGE, 'this request id is already being served in this session; send each request with an id of its own', 'one line that says what to do');
    assert.deepEqual(w.started, ['first'], 'the repeated request reached the Server');
    await w.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
    await until('the first aborted', () => w.aborted.length === 1);
    assert.deepEqual(w.aborted, ['first'], 'the cancel reached another request');
    await w.server.close();
  });

  it('frees an id when its answer is sent, and after a cancel; a number and a string id are different ids', async () => {
    const w = await world();
    await w.hold(7, 'a');
    await w.hold('7', 'b');
    await until('both served', () => w.started.length === 2);
    w.gates.get('a')!();
    await until('a answered', () => w.answers(7).length === 1);
    assert.deepEqual(w.answers(7)[0], { jsonrpc: '2.0', id: 7, result: { tag: 'a' } }, 'a\'s answer');
    await w.hold(7, 'c');
    await until('c served', () => w.started.includes('c'));
    await w.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: '7' } });
    await w.hold('7', 'd');
    await until('d served', () => w.started.includes('d'));
    await w.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } });
    await w.hold(7, 'e');
    await until('e served or refused', () => w.started.includes('e') || w.seen.some((m) => 'error' in m));
    assert.deepEqual(w.started, ['a', 'b', 'c', 'd', 'e'], 'a freed id was refused');
    assert.equal(w.seen.filter((m) => 'error' in m).length, 0, `refused: ${JSON.stringify(w.seen)}`);
    await w.server.close();
  });

  it('keeps an id taken through other notifications and a cancel that names no usable id', async () => {
    const w = await world();
    await w.hold(3, 'a');
    await until('served', () => w.started.length === 1);
    await w.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 3, progress: 1 } });
    await w.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: null } });
    await w.send({ jsonrpc: '2.0', method: 'notifications/cancelled' });
    await w.hold(3, 'again');
    await until('the repeated id answered', () => w.answers(3).length === 1);
    assert.ok('error' in w.answers(3)[0]!, 'the id was freed by a notification that is no cancel of it');
    assert.deepEqual(w.started, ['a'], 'the repeated request reached the Server');
    await w.server.close();
  });
  it('frees no id through the server\'s own requests, a notification that is no cancel, or twice-sent notifications', async () => {
    const w = await world();
    const notified: string[] = [];
    w.server.fallbackNotificationHandler = async (n) => void notified.push(n.method);
    await w.hold(0, 'a');
    await until('served', () => w.started.length === 1);
    // The Server's own request (a ping) takes its ids from 0 too; its id is the Server's, not the client's.
    const ping = w.server.request({ method: 'ping' }, z.object({}).loose());
    await until('the ping reached the client', () => w.seen.some((m) => 'method' in m && m.method === 'ping'));
    const pingId = (w.seen.find((m) => 'method' in m && m.method === 'ping') as { id: number }).id;
    assert.equal(pingId, 0, 'the ping reuses the client\'s id 0');
    await w.send({ jsonrpc: '2.0', id: 0, result: {} });
    await ping;
    await w.send({ jsonrpc: '2.0', method: 'notifications/other', params: { requestId: 0 } });
    await w.send({ jsonrpc: '2.0', method: 'notifications/other', params: { requestId: 0 } });
    await until('both notifications delivered, or one refused', () => notified.length === 2 || w.seen.some((m) => 'error' in m));
    assert.deepEqual(notified, ['notifications/other', 'notifications/other'], `a notification is no request: ${JSON.stringify(w.seen)}`);
    await w.hold(0, 'again');
    await until('the repeated id answered or served', () => w.answers(0).some((m) => 'error' in m) || w.started.includes('again'));
    assert.deepEqual(w.started, ['a'], 'the client\'s id 0 was freed by the Server\'s request, its answer or another notification');
    await w.server.close();
  });

  for (const id of [0, ''] as const) {
    it(`keeps id ${JSON.stringify(id)} after its cancel, which the SDK ignores; the first request stays abortable (C6-redteam)`, async () => {
      const w = await world();
      await w.hold(id, 'first');
      await until('served', () => w.started.length === 1);
      await w.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id } });
      await w.hold(id, 'second');
      await until('the repeated id answered or served', () => w.answers(id).length === 1 || w.started.includes('second'));
      assert.deepEqual(w.started, ['first'], `a request reused id ${JSON.stringify(id)} after a cancel the SDK ignored`);
      assert.deepEqual(w.aborted, [], 'the SDK cancelled nothing');
      await w.server.close();
      assert.deepEqual(w.aborted, ['first'], 'the first request is aborted with the session');
    });
  }
});
