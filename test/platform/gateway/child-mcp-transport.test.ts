// ChildMcpTransport, the host's end of a child's MCP channel, on its own (C4-mutation: the
// survivors of its first mutation run). Real parts: the compromised child (`--mcp`: it answers a
// `tools/call` with the bytes the test gives, lies with `keybroker/cancelled-done` on command,
// ignores cancels and any other method) on a real ChildProcessHandle, its frames fed to the
// transport as the gateway feeds them. The transport is driven as the gateway's SDK Client drives
// it (send, onmessage), and its forwarded calls (D237) as the gateway does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { CANCELLED_DONE_METHOD } from '../../../src/base/contracts/cancelled-done.js';
import { ChildMcpTransport, MALFORMED_META, MAX_CHILD_MCP_FRAME_BYTES, UNASKED_TASK } from '../../../src/platform/gateway/child-mcp-transport.js';
import { cancelOfSignal } from '../../../src/platform/gateway/forwarded-calls.js';
import { buildChildEnv } from '../../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { until } from '../../support/wait.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs');
const SPEC: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: FIXTURE, args: ['--mcp'] };
/** A frame answering the call (`$ID`) with `result` as JSON text. */
const answer = (result: string) => `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"result":${result}}}\n`;

/** The compromised child and a ChildMcpTransport on its channel, recording what it delivers and refuses. */
async function world() {
  const invalid: string[] = [];
  const delivered: JSONRPCMessage[] = [];
  let reports = 0;
  const handle = new ChildProcessHandle(new NodeLauncher(), { ...SPEC, env: buildChildEnv(process.env) }, () => undefined);
  const transport = new ChildMcpTransport(handle, (reason) => void invalid.push(reason));
  transport.onmessage = (m) => void delivered.push(m);
  let closes = 0;
  transport.onclose = () => void closes++;
  handle.onDidMessage((m) => {
    const f = m as { ch?: string };
    if (f.ch === 'mcp') transport.receive(m);
    else if (f.ch === 'report') reports++;
  });
  handle.start();
  await until('the child ready', () => reports > 0);
  /** A request the child never answers (it ignores any method but its own). */
  const request = (id: number) => transport.send({ jsonrpc: '2.0', id, method: 'evil/ignored', params: {} });
  /** A `tools/call` the child answers with `raw` (`$ID` its id). */
  const call = (id: number, raw: string) => transport.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'evil_answer', arguments: { raw } } });
  const cancel = (requestId: number) => transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'stop' } });
  /** The child lies: `keybroker/cancelled-done` for each id (or `params` as they are); settles once its frames are in and delivered. */
  const done = async (ids: number[], params?: unknown) => {
    const seen = reports;
    handle.send({ ch: 'attack', kind: 'cancelled-done', ids, ...(params !== undefined && { params }) });
    await until('the lies read', () => reports > seen);
    await flush();
  };
  /** One answered call: every frame the child wrote before its answer has been delivered. */
  let flushId = 1_000_000;
  const flush = async () => {
    const id = ++flushId;
    await call(id, answer('{"content":[]}'));
    await until('the flush answered', () => delivered.some((m) => 'id' in m && m.id === id));
  };
  const dispose = async () => {
    await transport.close();
    await handle.stop({ graceMs: 1000 });
  };
  return { handle, transport, invalid, delivered, request, call, cancel, done, flush, closes: () => closes, dispose };
}

/** A place for a forwarded call, counting its releases. */
function forwardOptions(signal = new AbortController().signal) {
  const place = { released: 0 };
  return { place, options: { cancel: cancelOfSignal(signal), release: () => void place.released++, clock: new ManualClock() } };
}

describe('ChildMcpTransport: what a child sends in answer (D210, D228)', () => {
  it('drops a result with a malformed _meta or a task, says why, and ends that request with the reason; a sound _meta passes', async () => {
    const w = await world();
    try {
      await w.call(1, answer('{"content":[],"_meta":{"progressToken":1.5}}'));
      await w.call(2, answer('{"content":[],"task":{"taskId":"t","status":"working","createdAt":"2026-01-01T00:00:00Z","ttl":null}}'));
      await w.call(3, answer('{"content":[],"_meta":{"progressToken":"p"}}'));
      await until('three answers', () => w.delivered.length === 3);
      assert.deepEqual(w.delivered, [
        { jsonrpc: '2.0', id: 1, error: { code: ErrorCode.InternalError, message: MALFORMED_META } },
        { jsonrpc: '2.0', id: 2, error: { code: ErrorCode.InternalError, message: UNASKED_TASK } },
        { jsonrpc: '2.0', id: 3, result: { content: [], _meta: { progressToken: 'p' } } },
      ], 'the two dropped results end their requests with the reason; the sound one is delivered as sent');
      assert.equal(MALFORMED_META, 'answered with a malformed result (_meta.progressToken must be a string or an integer), which was dropped', 'what the client reads (after the server\'s name)');
      assert.equal(UNASKED_TASK, 'answered with a task the gateway never asked for, which was dropped', 'what the client reads (after the server\'s name)');
      assert.deepEqual(w.invalid, [
        'mcp result with a malformed _meta (its progressToken must be a string or an integer); dropped',
        'mcp result with a task, which the gateway never asks for; dropped',
      ], 'each dropped result is reported as the child\'s fault');
    } finally {
      await w.dispose();
    }
  });

  it('ends a forwarded call the same way, and hands the SDK nothing of it', async () => {
    const w = await world();
    try {
      const meta = forwardOptions();
      const task = forwardOptions();
      await assert.rejects(w.transport.calls.call('evil_answer', { raw: answer('{"content":[],"_meta":{"progressToken":true}}') }, meta.options), (e: Error) => e.message.endsWith(MALFORMED_META), 'the malformed _meta\'s reason');
      await assert.rejects(w.transport.calls.call('evil_answer', { raw: answer('{"content":[],"task":{"taskId":"t"}}') }, task.options), (e: Error) => e.message.endsWith(UNASKED_TASK), 'the task\'s reason');
      assert.deepEqual([meta.place.released, task.place.released], [1, 1], 'each call\'s place is back once: the child answered');
      assert.equal(w.invalid.length, 2, 'both reported');
      await w.flush();
      assert.equal(w.delivered.length, 1, 'only the flush reached the SDK\'s side');
    } finally {
      await w.dispose();
    }
  });
});

describe('ChildMcpTransport: frames', () => {
  it('refuses a frame without a message, or one it cannot measure, with its own reason; ignores frames after close', async () => {
    const w = await world();
    try {
      w.transport.receive({ ch: 'mcp' });
      w.transport.receive({ ch: 'mcp', msg: { jsonrpc: '2.0', method: 'x', params: { n: 1n } } });
      assert.deepEqual(w.invalid, ['mcp frame is not a JSON-RPC message', `mcp frame of ? bytes exceeds ${MAX_CHILD_MCP_FRAME_BYTES}`], 'each refused with its reason');
      const at = 'x'.repeat(MAX_CHILD_MCP_FRAME_BYTES - '{"jsonrpc":"2.0","method":"x","params":{"a":""}}'.length);
      w.transport.receive({ ch: 'mcp', msg: { jsonrpc: '2.0', method: 'x', params: { a: at } } });
      w.transport.receive({ ch: 'mcp', msg: { jsonrpc: '2.0', method: 'x', params: { a: `${at}y` } } });
      assert.deepEqual(w.invalid.slice(2), [`mcp frame of ${MAX_CHILD_MCP_FRAME_BYTES + 1} bytes exceeds ${MAX_CHILD_MCP_FRAME_BYTES}`], 'a message of exactly 16 MiB passes, one byte more does not');
      await w.flush();
      assert.deepEqual(w.delivered.map((m) => 'method' in m && m.method), ['x', false], 'the 16 MiB message was delivered, then the flush');
      await w.transport.close();
      w.transport.receive({ ch: 'mcp', msg: { jsonrpc: '2.0', method: 'after' } });
      w.transport.receive({ ch: 'mcp' });
      await new Promise<void>((r) => queueMicrotask(r));
      assert.equal(w.delivered.length, 2, 'nothing delivered after close');
      assert.equal(w.invalid.length, 3, 'nothing refused after close either: the channel is gone');
    } finally {
      await w.dispose();
    }
  });
});

describe('ChildMcpTransport: delivery', () => {
  it('reports an error the SDK throws on a message to onerror, and delivers the next message', async () => {
    const w = await world();
    try {
      const errors: string[] = [];
      w.transport.onerror = (e) => void errors.push(e.message);
      w.transport.onmessage = (m) => {
        if ('method' in m && m.method === 'first') throw new Error('the SDK choked');
        w.delivered.push(m);
      };
      await w.call(1, '{"ch":"mcp","msg":{"jsonrpc":"2.0","method":"first"}}\n{"ch":"mcp","msg":{"jsonrpc":"2.0","method":"second"}}\n');
      await w.flush();
      assert.deepEqual(errors, ['the SDK choked'], 'the error reaches onerror');
      assert.deepEqual(w.delivered.map((m) => 'method' in m && m.method), ['second', false], 'the next message and the flush are delivered');
    } finally {
      await w.dispose();
    }
  });
});

describe('ChildMcpTransport: requests, answers and their watchers (D211, D231)', () => {
  it('counts requests sent, not notifications, and none once closed (its send fails, naming the server)', async () => {
    const w = await world();
    try {
      await w.request(1);
      await w.cancel(1);
      await w.transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      assert.equal(w.transport.requestsSent, 1, 'one request so far');
      await w.transport.close();
      await assert.rejects(w.request(2), /the evil server is not running/, 'a send on a closed channel fails');
      assert.equal(w.transport.requestsSent, 1, 'a request never sent is not counted');
    } finally {
      await w.dispose();
    }
  });

  it('calls a watcher once, when the child answers its request (result or error), never for another request\'s answer', async () => {
    const w = await world();
    try {
      const fired: string[] = [];
      await w.call(1, '');
      w.transport.watchLastRequest(() => void fired.push('result'));
      await w.call(2, '');
      w.transport.watchLastRequest(() => void fired.push('error'));
      // A request of the child's own that happens to carry the same id is no answer.
      await w.call(6, '{"ch":"mcp","msg":{"jsonrpc":"2.0","id":1,"method":"ping"}}\n');
      await w.flush();
      assert.deepEqual([...fired], [], 'the child\'s own request with that id answers nothing');
      await w.call(3, answer('{"content":[]}').replace('$ID', '1'));
      await w.call(4, `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}}}\n`);
      await until('both answers delivered', () => w.delivered.length === 4);
      assert.deepEqual([...fired], ['result', 'error'], 'each watcher at its own request\'s answer, once');
      await w.call(5, answer('{"content":[]}').replace('$ID', '1'));
      await w.flush();
      assert.deepEqual([...fired], ['result', 'error'], 'a second answer to the same id calls nothing');
    } finally {
      await w.dispose();
    }
  });

  it('while one request is watched, an answer to another, unwatched id reaches the SDK and calls no watcher (E2-intakemut)', async () => {
    const w = await world();
    const errors: Error[] = [];
    w.transport.onerror = (e) => void errors.push(e);
    try {
      const fired: string[] = [];
      await w.request(5);
      await w.request(1);
      w.transport.watchLastRequest(() => void fired.push('watched'));
      // The child answers 5 (sent, never watched) while 1 is watched.
      await w.call(9, answer('{"content":[]}').replace('$ID', '5'));
      await until('the answer to 5 delivered or failed', () => errors.length > 0 || w.delivered.some((m) => 'id' in m && m.id === 5));
      assert.deepEqual(errors.map((e) => e.message), [], 'no error delivering an answer nobody watches');
      assert.ok(w.delivered.some((m) => 'id' in m && m.id === 5 && 'result' in m), 'the unwatched answer reaches the SDK');
      assert.deepEqual([...fired], [], 'the watch of 1 is not called by the answer to 5');
      await w.call(10, answer('{"content":[]}').replace('$ID', '1'));
      await until('the answer to 1 delivered or failed', () => errors.length > 0 || w.delivered.some((m) => 'id' in m && m.id === 1));
      assert.deepEqual([...fired], ['watched'], 'its own answer calls it');
      assert.deepEqual(errors.map((e) => e.message), [], 'and no error on the way');
    } finally {
      await w.dispose();
    }
  });

  it('forgets its open requests at close: a cancel sent after it is not remembered (D243)', async () => {
    const w = await world();
    try {
      await w.request(3);
      await w.cancel(3);
      assert.equal(w.transport.cancelledWaiting, 1, 'a cancel of an open request is remembered');
      await w.request(4);
      await w.transport.close();
      assert.equal(w.transport.cancelledWaiting, 0, 'the close forgot the cancelled one');
      await assert.rejects(w.cancel(4), /the evil server is not running/, 'a cancel on a closed channel fails');
      assert.equal(w.transport.cancelledWaiting, 0, 'and the request open at the close is not remembered as cancelled');
    } finally {
      await w.dispose();
    }
  });

  it('with no request sent, or once closed, calls the watcher on a microtask, not at once', async () => {
    const w = await world();
    try {
      const fired: string[] = [];
      w.transport.watchLastRequest(() => void fired.push('none sent'));
      assert.deepEqual([...fired], [], 'not synchronously');
      await new Promise<void>((r) => queueMicrotask(r));
      assert.deepEqual([...fired], ['none sent'], 'then, with no request to wait for');
      await w.request(1);
      await w.transport.close();
      w.transport.watchLastRequest(() => void fired.push('closed'));
      assert.deepEqual([...fired], ['none sent'], 'not synchronously');
      await new Promise<void>((r) => queueMicrotask(r));
      assert.deepEqual([...fired], ['none sent', 'closed'], 'then, the channel being closed');
    } finally {
      await w.dispose();
    }
  });

  it('an undone watch is not called; the undo of an older watch leaves a newer one of the same id', async () => {
    const w = await world();
    try {
      const fired: string[] = [];
      await w.request(1);
      const undo = w.transport.watchLastRequest(() => void fired.push('undone'));
      undo();
      await w.request(2);
      const older = w.transport.watchLastRequest(() => void fired.push('older'));
      w.transport.watchLastRequest(() => void fired.push('newer'));
      older();
      await w.call(3, answer('{"content":[]}').replace('$ID', '1') + answer('{"content":[]}').replace('$ID', '2'));
      await w.flush();
      assert.deepEqual([...fired], ['newer'], 'only the watch still in place is called');
    } finally {
      await w.dispose();
    }
  });

  it('ends a watched request at the child\'s cancelled-done only after the gateway cancelled it, once; a malformed one is refused', async () => {
    const w = await world();
    try {
      const fired: number[] = [];
      await w.request(7);
      w.transport.watchLastRequest(() => void fired.push(7));
      await w.done([7]);
      assert.deepEqual([...fired], [], 'a done for a request nobody cancelled ends nothing (it still runs)');
      await w.cancel(7);
      await w.done([7]);
      assert.deepEqual([...fired], [7], 'after the cancel, the done ends it');
      await w.done([7]);
      assert.deepEqual([...fired], [7], 'once');
      // A string id (the SDK's are numbers; the transport takes either).
      await w.transport.send({ jsonrpc: '2.0', id: 's', method: 'evil/ignored', params: {} });
      w.transport.watchLastRequest(() => void fired.push(0));
      await w.transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 's' } });
      await w.done([], { requestId: 's' });
      assert.deepEqual([...fired], [7, 0], 'a string id is cancelled and ended the same way');
      await w.done([], { requestId: { not: 'an id' } });
      assert.deepEqual(w.invalid, [`${CANCELLED_DONE_METHOD} without a valid requestId; dropped`], 'the malformed one refused');
      assert.ok(w.delivered.every((m) => !('method' in m && m.method === CANCELLED_DONE_METHOD)), 'no cancelled-done reaches the SDK');
    } finally {
      await w.dispose();
    }
  });

  it('a watch undone after the cancel (the grace passed) is not ended by a later done, even for a new watch of that id', async () => {
    const w = await world();
    try {
      const fired: string[] = [];
      await w.request(8);
      const undo = w.transport.watchLastRequest(() => void fired.push('first'));
      await w.cancel(8);
      undo();
      // The id again (a peer's SDK never repeats one; the set must still not keep it).
      await w.request(8);
      w.transport.watchLastRequest(() => void fired.push('second'));
      await w.done([8]);
      assert.deepEqual([...fired], [], 'the late done ends nothing: nobody cancelled the request now watched');
    } finally {
      await w.dispose();
    }
  });

  it('remembers at most 1,024 cancelled ids, the oldest dropped first', async () => {
    const w = await world();
    try {
      const fired: number[] = [];
      for (const id of [0, 1]) {
        await w.request(id);
        w.transport.watchLastRequest(() => void fired.push(id));
      }
      // Only a request still open is remembered when cancelled (D243): open the other 1,023 first.
      for (let id = 2; id <= 1024; id++) await w.request(id);
      for (let id = 0; id <= 1024; id++) await w.cancel(id);
      await w.done([0, 1]);
      assert.deepEqual([...fired], [1], 'the 1,025th cancel dropped the oldest (0); 1 is still remembered');
    } finally {
      await w.dispose();
    }
  });

  it('when the child exits: closes once, calls every watcher, and sends nothing after it', async () => {
    const w = await world();
    try {
      const fired: number[] = [];
      for (const id of [1, 2]) {
        await w.request(id);
        w.transport.watchLastRequest(() => void fired.push(id));
      }
      await w.cancel(1);
      const f = forwardOptions();
      const forwarded = w.transport.calls.call('evil_answer', { raw: '' }, f.options);
      await w.handle.stop({ graceMs: 1000 });
      await until('the channel closed', () => w.closes() > 0);
      assert.deepEqual([...fired].sort(), [1, 2], 'every watcher called at the close');
      await assert.rejects(forwarded, /Connection closed/, 'a forwarded call still open fails at once');
      assert.equal(f.place.released, 1, 'and gives its place back');
      await w.transport.close();
      assert.equal(w.closes(), 1, 'closed once');
      await assert.rejects(w.request(3), /the evil server is not running/, 'nothing is sent after the exit');
    } finally {
      await w.dispose();
    }
  });
});
