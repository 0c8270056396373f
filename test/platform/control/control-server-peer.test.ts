// ControlServer against a client that bends the rules (D168): half-closes with answers
// pending, sends lines the host cannot answer, fills the window with invalid requests. Real
// Unix sockets; the floods are in control-server-attacks.test.ts.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ControlServer, MAX_CONTROL_IN_FLIGHT, type ControlFrameInvalidReason } from '../../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../../mocks/fake-control-handler.js';
import { until } from '../../support/wait.js';
import { onJsonLines } from '../../support/json-lines.js';

type Answer = { id: number; ok: boolean; result?: unknown; error?: { code: string; message: string } };

/** A half-open-capable client: answers in arrival order, and whether the host ended its side. */
async function connect(socketPath: string) {
  const socket = net.connect({ path: socketPath, allowHalfOpen: true });
  await new Promise((r, j) => { socket.once('connect', r); socket.once('error', j); });
  const answers: Answer[] = [];
  let ended = false;
  onJsonLines<Answer>(socket, (answer) => answers.push(answer));
  socket.on('end', () => (ended = true));
  return { socket, answers, ended: () => ended, write: (line: string) => socket.write(line + '\n') };
}

describe('ControlServer against its client (D168)', () => {
  let home: string;
  let handler: FakeControlHandler;
  let server: ControlServer;
  let invalid: ControlFrameInvalidReason[];
  let release: () => void;

  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ctlp-'));
    handler = new FakeControlHandler();
    invalid = [];
    // `status` is answered only once the test releases it (a slow request).
    const gate = new Promise<void>((r) => (release = r));
    const status = handler.status.bind(handler);
    handler.status = async () => {
      await gate;
      return status();
    };
    server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler, onInvalidFrame: (r) => invalid.push(r) });
  });
  afterEach(async () => {
    release();
    await server.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('a client that half-closes with requests pending gets every answer, then the host ends its side', async () => {
    const c = await connect(server.socketPath);
    c.write('{"id":1,"op":"status"}');
    c.write('{"id":2,"op":"status"}');
    c.write('{"id":3,"op":"lock"}');
    c.socket.end();
    await until('the host connection', () => server.connectionCount === 1);
    const hostSocket = [...(server as unknown as { sockets: Set<net.Socket> }).sockets][0]!;
    await until('the host to read the end and answer the fast request', () => hostSocket.readableEnded && c.answers.length === 1);
    assert.deepEqual(c.answers[0], { id: 3, ok: true, result: { locked: [] } });
    assert.equal(c.ended(), false, 'the host ended its side with answers pending');
    release();
    await until('the host to end its side', () => c.ended());
    assert.deepEqual(c.answers.map((a) => [a.id, a.ok]), [[3, true], [1, true], [2, true]]);
  });

  it('a client that half-closes with nothing pending sees the host end its side; one that keeps its side open is kept', async () => {
    const open = await connect(server.socketPath);
    open.write('{"id":1,"op":"lock"}');
    open.write('{"id":2,"op":"lock"}');
    await until('both answers', () => open.answers.length === 2);
    assert.equal(open.ended(), false, 'the host ended a connection the client keeps open');
    const c = await connect(server.socketPath);
    c.write('{"id":1,"op":"lock"}');
    await until('the answer', () => c.answers.length === 1);
    c.socket.end();
    await until('the host to end its side', () => c.ended());
    assert.equal(open.ended(), false, 'the host ended a connection the client keeps open');
    open.socket.destroy();
  });

  it(`Security: ${MAX_CONTROL_IN_FLIGHT + 4} invalid requests in a row take no place in the window: the next valid one is served`, async () => {
    const c = await connect(server.socketPath);
    for (let id = 0; id < MAX_CONTROL_IN_FLIGHT + 4; id++) c.write(JSON.stringify({ id, op: 'nope' }));
    c.write('{"id":500,"op":"lock"}');
    await until('the valid request answered', () => c.answers.some((a) => a.id === 500));
    assert.equal(c.answers.filter((a) => a.error?.code === 'CORE_CONTROL_INVALID_REQUEST').length, MAX_CONTROL_IN_FLIGHT + 4);
    assert.deepEqual(c.answers.at(-1), { id: 500, ok: true, result: { locked: [] } });
    assert.equal(invalid.length, MAX_CONTROL_IN_FLIGHT + 4);
    c.socket.destroy();
  });

  it('answers only ids the client can match (a whole number ≥ 0), and names the field of an invalid request, or (root)', async () => {
    const c = await connect(server.socketPath);
    for (const line of ['null', '"status"', '{"id":-1,"op":"nope"}', '{"id":1.5,"op":"nope"}', `{"id":${2 ** 53},"op":"nope"}`, '{"id":"3","op":"nope"}', '{"id":[3],"op":"nope"}']) c.write(line);
    c.write('{"id":4,"op":"lock","a\\r\\nb":"x"}');
    c.write('{"id":5,"op":"approvals.decide","approval":"3f9a2c1e"}');
    c.write('{"id":0,"op":"nope"}');
    c.write('{"id":6,"op":"lock"}');
    await until('the valid request after them answered', () => c.answers.some((a) => a.id === 6));
    assert.deepEqual(c.answers.map((a) => a.id), [4, 5, 0, 6]);
    // The client's own key, line breaks and all, is in zod's message: the answer keeps it on one line.
    assert.equal(c.answers[0]!.error!.message, 'invalid control request: (root): Unrecognized key: "a b"; use a keybroker CLI of the same version as the host');
    assert.match(c.answers[1]!.error!.message, /^invalid control request: decision: /);
    assert.equal(invalid.length, 10);
    assert.deepEqual(handler.calls, [{ op: 'lock', args: [undefined] }], 'an invalid request reached the handler');
    c.socket.destroy();
  });

  it(`Security: past ${MAX_CONTROL_IN_FLIGHT} at once, a request without a usable id is dropped without an answer, and the window frees as answers go out`, async () => {
    const c = await connect(server.socketPath);
    for (let id = 0; id < MAX_CONTROL_IN_FLIGHT; id++) c.write(JSON.stringify({ id, op: 'status' }));
    c.write('{"op":"lock"}');
    c.write('{"id":-1,"op":"lock"}');
    c.write('{"id":99,"op":"lock"}');
    await until('the extra request refused', () => c.answers.length === 1);
    assert.deepEqual(c.answers, [{ id: 99, ok: false, error: { code: 'CORE_CONTROL_BUSY', message: '16 requests are being served on this connection; wait for their answers, then retry' } }]);
    release();
    await until('the held requests answered', () => c.answers.length === MAX_CONTROL_IN_FLIGHT + 1);
    c.write('{"id":100,"op":"lock"}');
    await until('a later request answered', () => c.answers.length === MAX_CONTROL_IN_FLIGHT + 2);
    assert.deepEqual(c.answers.at(-1), { id: 100, ok: true, result: { locked: [] } });
    assert.equal(handler.calls.filter((x) => x.op === 'lock').length, 1, 'a refused request reached the handler');
    c.socket.destroy();
  });

  it('serves server.restart and policy.test with their arguments', async () => {
    const c = await connect(server.socketPath);
    c.write('{"id":1,"op":"server.restart","server":"vsphere"}');
    c.write('{"id":2,"op":"policy.test","server":"vsphere","tool":"vm_power","args":{"vm":"vm-1"}}');
    await until('both answered', () => c.answers.length === 2);
    const byId = new Map(c.answers.map((a) => [a.id, a]));
    assert.deepEqual(byId.get(1), { id: 1, ok: true, result: { name: 'vsphere', kind: 'vsphere', pid: 5151, state: 'starting', restarts: 2 } });
    assert.deepEqual(byId.get(2), { id: 2, ok: true, result: handler.policyTestValue });
    assert.deepEqual(handler.calls, [
      { op: 'server.restart', args: ['vsphere'] },
      { op: 'policy.test', args: ['vsphere', 'vm_power', { vm: 'vm-1' }] },
    ]);
    c.socket.destroy();
  });
  it('an owner that passes no callbacks still answers a bad line, a handler bug and a contract break; an accept error is reported, not thrown', async () => {
    const bare = await ControlServer.listen({ socketPath: controlSocketPath(path.join(home, 'bare'), {}), handler });
    const internal: Array<[string, unknown]> = [];
    const watched = await ControlServer.listen({ socketPath: controlSocketPath(path.join(home, 'watched'), {}), handler, onInternalError: (e, op) => internal.push([(e as Error).message, op]) });
    try {
      const c = await connect(bare.socketPath);
      c.write('not json');
      c.write('{"id":1,"op":"nope"}');
      (handler as unknown as { lock: () => Promise<unknown> }).lock = async () => ({ locked: [], token: 'secret' });
      c.write('{"id":2,"op":"lock"}');
      handler.listApprovals = async () => { throw new Error('handler bug'); };
      c.write('{"id":3,"op":"approvals.list"}');
      await until('three answers', () => c.answers.length === 3);
      assert.deepEqual(c.answers.map((a) => [a.id, a.error?.code]), [[1, 'CORE_CONTROL_INVALID_REQUEST'], [2, 'CORE_INTERNAL'], [3, 'CORE_INTERNAL']]);
      c.socket.destroy();
      const w = await connect(watched.socketPath);
      w.write('{"id":4,"op":"lock"}');
      await until('the answer', () => w.answers.length === 1);
      w.socket.destroy();
      // What an accept that fails (EMFILE: out of descriptors) emits on the listening server.
      for (const s of [bare, watched]) (s as unknown as { server: net.Server }).server.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }));
      assert.deepEqual(internal, [['ControlHandler.lock returned a result that breaks the contract: ', 'lock'], ['accept EMFILE', undefined]]);
    } finally {
      await bare.close();
      await watched.close();
    }
  });
});
