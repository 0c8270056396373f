// R9-attack: the control socket under attack by a client that writes and never reads, and by
// a client that asks for more at once than the host serves (the owner's own processes; another
// user cannot connect at all: test/platform/gateway/gateway-socket-attacks.test.ts).
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ControlServer, FIRST_REQUEST_TIMEOUT_MS, MAX_CONTROL_IN_FLIGHT } from '../../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../../mocks/fake-control-handler.js';
import { until } from '../../support/wait.js';
import { onJsonLines } from '../../support/json-lines.js';

/** Answers by id, as they arrive. */
function collect(socket: net.Socket): Map<number, { ok: boolean; error?: { code: string; message: string } }> {
  const answers = new Map<number, { ok: boolean; error?: { code: string; message: string } }>();
  onJsonLines<{ id: number; ok: boolean; error?: { code: string; message: string } }>(socket, (line) => answers.set(line.id, line));
  return answers;
}

describe('the control socket under attack (R9-attack)', () => {
  let home: string;
  let handler: FakeControlHandler;
  let server: ControlServer;

  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ctla-'));
    handler = new FakeControlHandler();
    server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('Security: a client that writes 20,000 status requests and never reads cannot make the host buffer the answers; once it reads, each is answered', async () => {
    const client = net.connect(server.socketPath);
    await new Promise((r) => client.once('connect', r));
    const answers = collect(client);
    client.pause();
    try {
      const total = 20_000;
      client.write(Array.from({ length: total }, (_, i) => JSON.stringify({ id: i, op: 'status' }) + '\n').join(''));
      await until('the host connection', () => server.connectionCount === 1);
      const hostSocket = [...(server as unknown as { sockets: Set<net.Socket> }).sockets][0]!;
      const bound = 2 * 1024 * 1024;
      await until('the host to stop reading or to pass the bound', () => hostSocket.isPaused() || hostSocket.writableLength >= bound);
      assert.ok(hostSocket.isPaused(), `the host kept reading: ${handler.calls.length} requests served, ${hostSocket.writableLength} bytes of answers buffered for a client that reads nothing`);
      assert.ok(handler.calls.length < total / 4, `${handler.calls.length} requests served while the client read nothing`);
      assert.ok(hostSocket.writableLength < bound, 'the answers buffered for the client stay under the bound');
      client.resume();
      await until('every request answered', () => answers.size === total);
      for (const [id, a] of answers) assert.ok(a.ok || a.error?.code === 'CORE_CONTROL_BUSY', `request ${id}: ${JSON.stringify(a)}`);
    } finally {
      client.destroy();
    }
  });

  it(`Security: past ${MAX_CONTROL_IN_FLIGHT} requests at once, one more is answered CORE_CONTROL_BUSY without reaching the host`, async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const status = handler.status.bind(handler);
    handler.status = async () => {
      await gate;
      return status();
    };
    const client = net.connect(server.socketPath);
    await new Promise((r) => client.once('connect', r));
    const answers = collect(client);
    try {
      for (let id = 0; id < MAX_CONTROL_IN_FLIGHT; id++) client.write(JSON.stringify({ id, op: 'status' }) + '\n');
      client.write(JSON.stringify({ id: 99, op: 'approvals.decide', approval: '3f9a2c1e', decision: 'allow-once' }) + '\n');
      await until('the extra request answered', () => answers.has(99));
      assert.equal(answers.get(99)!.error?.code, 'CORE_CONTROL_BUSY');
      assert.ok(!handler.calls.some((c) => c.op === 'approvals.decide'), 'the refused request reached the host');
      release();
      await until('the held requests answered', () => answers.size === MAX_CONTROL_IN_FLIGHT + 1);
      client.write(JSON.stringify({ id: 100, op: 'approvals.list' }) + '\n');
      await until('a later request answered', () => answers.has(100));
      assert.equal(answers.get(100)!.ok, true);
    } finally {
      client.destroy();
    }
  });
  it('Security: a connection that never writes (a read-only opener of the Windows pipe, D179) is dropped; one that asked first is kept past the same time', async () => {
    assert.equal(FIRST_REQUEST_TIMEOUT_MS, 30_000, 'the default wait for a first byte');
    const quick = await ControlServer.listen({ socketPath: path.join(home, 'quick.sock'), handler, firstRequestTimeoutMs: 200 });
    const talker = net.connect(quick.socketPath);
    let silent: net.Socket | undefined;
    try {
      await new Promise((r) => talker.once('connect', r));
      const answers = collect(talker);
      talker.write(JSON.stringify({ id: 1, op: 'status' }) + '\n');
      await until('the first answer', () => answers.has(1));
      // Accepted after the talker, so its timer fires after the talker's would have.
      silent = net.connect(quick.socketPath);
      await until('the talker and the silent peer accepted', () => quick.connectionCount === 2);
      let dropped = false;
      silent.once('close', () => (dropped = true));
      silent.on('error', () => undefined);
      await until('the silent peer dropped', () => dropped);
      talker.write(JSON.stringify({ id: 2, op: 'status' }) + '\n');
      await until('the second answer on the connection that asked first', () => answers.has(2));
      assert.equal(answers.get(2)?.ok, true, 'the talker is still served');
      assert.equal(quick.connectionCount, 1, 'only the silent peer was dropped');
    } finally {
      talker.destroy();
      silent?.destroy();
      await quick.close();
    }
  });
});
