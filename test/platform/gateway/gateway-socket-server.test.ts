import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { GATEWAY_PROTOCOL } from '../../../src/base/contracts/gateway-handshake.js';
import { BugError } from '../../../src/base/errors/core-error.js';
import { ServerNotFoundError } from '../../../src/platform/supervisor/server-not-found-error.js';
import { connectGateway } from '../../../src/platform/gateway/connect-gateway.js';
import { gatewaySocketPath } from '../../../src/platform/gateway/gateway-socket-path.js';
import { GatewaySocketServer, type GatewayRejectDetail, type GatewayRejectReason } from '../../../src/platform/gateway/gateway-socket-server.js';
import { FakeGatewaySessions } from '../../mocks/fake-gateway-sessions.js';

/** Raw socket client: what arrives, as lines, and whether the server closed. */
async function rawConnect(socketPath: string) {
  const socket = net.connect(socketPath);
  await new Promise((r, j) => { socket.once('connect', r); socket.once('error', j); });
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => { text += d; });
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  return {
    socket,
    closed,
    /** The lines received until the server closed the connection. */
    async linesUntilClosed(): Promise<unknown[]> {
      await closed;
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    },
    async nextLine(): Promise<unknown> {
      while (!text.includes('\n')) await new Promise((r) => setTimeout(r, 5));
      const i = text.indexOf('\n');
      const line = text.slice(0, i);
      text = text.slice(i + 1);
      return JSON.parse(line) as unknown;
    },
  };
}

const hello = (server = 'vsphere', client = 'test-client') => JSON.stringify({ protocol: GATEWAY_PROTOCOL, server, client }) + '\n';

describe('GatewaySocketServer', () => {
  let home: string;
  let sessions: FakeGatewaySessions;
  let rejected: Array<[GatewayRejectReason, GatewayRejectDetail]>;
  let servers: GatewaySocketServer[];

  const listen = async (extra: { socketPath?: string; helloTimeoutMs?: number } = {}): Promise<GatewaySocketServer> => {
    const s = await GatewaySocketServer.listen({
      socketPath: extra.socketPath ?? gatewaySocketPath(home, {}),
      sessions,
      onRejected: (reason, detail) => rejected.push([reason, detail]),
      ...(extra.helloTimeoutMs ? { helloTimeoutMs: extra.helloTimeoutMs } : {}),
    });
    servers.push(s);
    return s;
  };

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-gw-'));
    sessions = new FakeGatewaySessions();
    rejected = [];
    servers = [];
  });
  afterEach(async () => {
    for (const s of servers) await s.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('listens at <home>/gateway.sock, 0600 in a 0700 folder, whatever the umask', async () => {
    fs.chmodSync(home, 0o755);
    const old = process.umask(0o000);
    try {
      const s = await listen();
      assert.equal(s.socketPath, path.join(home, 'gateway.sock'));
      assert.ok(fs.lstatSync(s.socketPath).isSocket(), 'the gateway socket is a socket');
      assert.equal(fs.statSync(s.socketPath).mode & 0o777, 0o600);
      assert.equal(fs.statSync(home).mode & 0o777, 0o700);
    } finally {
      process.umask(old);
    }
  });

  it('moves to the short runtime folder when the home path makes the socket path pass 100 bytes', async () => {
    const longHome = path.join(home, 'a'.repeat(60), 'b'.repeat(40));
    const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-rt-'));
    try {
      const socketPath = gatewaySocketPath(longHome, { XDG_RUNTIME_DIR: runtime });
      assert.ok(Buffer.byteLength(path.join(longHome, 'gateway.sock')) > 100, 'the home is long enough that its socket path passes 100 bytes');
      assert.equal(path.dirname(path.dirname(socketPath)), runtime);
      assert.equal(path.basename(socketPath), 'gateway.sock');
      const s = await listen({ socketPath });
      assert.equal(fs.statSync(path.dirname(socketPath)).mode & 0o777, 0o700);
      const client = new Client({ name: 'long-home', version: '1' });
      await client.connect(await connectGateway({ socketPath: s.socketPath, server: 'vsphere', client: 'long-home' }));
      assert.deepEqual((await client.callTool({ name: 'echo', arguments: { text: 'hi' } })).content, [{ type: 'text', text: 'vsphere:hi' }]);
      await client.close();
    } finally {
      for (const s of servers.splice(0)) await s.close();
      fs.rmSync(runtime, { recursive: true, force: true });
    }
  });

  it('replaces a stale socket file left by a dead host', async () => {
    const p = gatewaySocketPath(home, {});
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(p)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((r) => child.once('exit', r));
    assert.ok(fs.lstatSync(p).isSocket(), 'the dead host left its socket file behind');
    const s = await listen();
    const c = await rawConnect(s.socketPath);
    c.socket.write(hello());
    assert.deepEqual(await c.nextLine(), { ok: true, server: 'vsphere' });
    c.socket.destroy();
  });

  it('refuses to start while another host answers on the socket, and leaves that one working', async () => {
    const first = await listen();
    await assert.rejects(
      GatewaySocketServer.listen({ socketPath: first.socketPath, sessions }),
      (e: Error & { code?: string }) => e.code === 'CORE_GATEWAY_SOCKET_IN_USE' && /stop the other KeyBroker host/.test(e.message),
    );
    const c = await rawConnect(first.socketPath);
    c.socket.write(hello());
    assert.deepEqual(await c.nextLine(), { ok: true, server: 'vsphere' });
    c.socket.destroy();
    // The second host's probe connected and left without a word: not a refusal.
    assert.deepEqual(rejected, []);
  });

  it('refuses a bad hello with ok:false, closes, and reports it', async () => {
    const s = await listen();
    const cases = [
      'not json\n',
      JSON.stringify({ protocol: 'keybroker-gateway/0', server: 'vsphere', client: 'x' }) + '\n',
      JSON.stringify({ protocol: GATEWAY_PROTOCOL, server: 'Bad Name', client: 'x' }) + '\n',
      JSON.stringify({ protocol: GATEWAY_PROTOCOL, server: 'vsphere', client: 'x', extra: 1 }) + '\n',
    ];
    for (const line of cases) {
      const c = await rawConnect(s.socketPath);
      c.socket.write(line);
      const [welcome, ...more] = (await c.linesUntilClosed()) as Array<{ ok: boolean; error: { code: string; message: string } }>;
      assert.equal(welcome?.ok, false);
      assert.equal(welcome?.error.code, 'CORE_GATEWAY_BAD_HELLO');
      assert.match(welcome?.error.message ?? '', /same version as the host/);
      assert.deepEqual(more, []);
    }
    assert.deepEqual(rejected.map(([r]) => r), ['bad-hello', 'bad-hello', 'bad-hello', 'bad-hello']);
    assert.match(rejected[1]![1].message, /unsupported gateway protocol/);
    assert.match(rejected[2]![1].message, /invalid hello at server/);
    assert.equal(sessions.opened.length, 0);
  });

  it('refuses an unknown server with ok:false and reports the names', async () => {
    const s = await listen();
    const c = await rawConnect(s.socketPath);
    c.socket.write(hello('jira', 'claude-desktop'));
    // The same coded error the gateway itself throws for an unknown server.
    const error = new ServerNotFoundError('jira').toWire();
    assert.deepEqual(await c.linesUntilClosed(), [{ ok: false, error }]);
    assert.match(error.message, /jira/);
    assert.deepEqual(rejected, [['unknown-server', { message: error.message, server: 'jira', client: 'claude-desktop' }]]);
    assert.equal(sessions.opened.length, 0);
  });

  it('refuses a hello that is too long or that never comes', async () => {
    // Two servers: the too-long hello is read under the default deadline, so a loaded machine
    // that reads its bytes late cannot turn it into a timeout; the silent one gets 100 ms.
    const patient = await listen();
    const s = await listen({ helloTimeoutMs: 100, socketPath: path.join(home, 'impatient.sock') });
    const long = await rawConnect(patient.socketPath);
    long.socket.write(Buffer.alloc(5000, 0x7b));
    const silent = await rawConnect(s.socketPath);
    const [a] = (await long.linesUntilClosed()) as Array<{ error: { code: string } }>;
    const [b] = (await silent.linesUntilClosed()) as Array<{ error: { code: string } }>;
    assert.equal(a?.error.code, 'CORE_GATEWAY_HELLO_TOO_LONG');
    assert.equal(b?.error.code, 'CORE_GATEWAY_HELLO_TIMEOUT');
    assert.deepEqual(rejected.map(([r]) => r).sort(), ['hello-timeout', 'hello-too-long']);
  });

  it('tells the client why when the gateway cannot open the session', async () => {
    const s = await listen();
    sessions.failWith = new BugError('session table full; restart KeyBroker');
    const c = await rawConnect(s.socketPath);
    c.socket.write(hello());
    assert.deepEqual(await c.linesUntilClosed(), [{ ok: false, error: { code: 'CORE_BUG', message: 'session table full; restart KeyBroker' } }]);
    assert.deepEqual(rejected.map(([r]) => r), ['session-failed']);
  });

  it('opens the sessions of one parent process as one client, and a session without a parent as its own (D200)', async () => {
    const s = await listen();
    const a = new Client({ name: 'a', version: '1' });
    const b = new Client({ name: 'b', version: '1' });
    const c = new Client({ name: 'c', version: '1' });
    await a.connect(await connectGateway({ socketPath: s.socketPath, server: 'vsphere', client: 'x', parent: 4242 }));
    await b.connect(await connectGateway({ socketPath: s.socketPath, server: 'vsphere', client: 'y', parent: 4242 }));
    await c.connect(await connectGateway({ socketPath: s.socketPath, server: 'vsphere', client: 'x' }));
    assert.deepEqual(sessions.clientKeys, ['4242', '4242', undefined], 'by the hello\'s parent, not its client name');
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('refuses a hello whose parent is not a process id', async () => {
    const s = await listen();
    for (const parent of [0, 1, -5, 1.5, '4242', 2 ** 32]) {
      const c = await rawConnect(s.socketPath);
      c.socket.write(JSON.stringify({ protocol: GATEWAY_PROTOCOL, server: 'vsphere', client: 'x', parent }) + '\n');
      const [welcome] = await c.linesUntilClosed() as Array<{ ok: boolean; error?: { code: string; message: string } }>;
      assert.equal(welcome?.ok, false, `parent ${JSON.stringify(parent)} refused`);
      assert.match(welcome?.error?.message ?? '', /invalid hello at parent/, 'the refusal names the field');
    }
    assert.deepEqual(sessions.opened, [], 'no session opened');
  });

  it('opens one session per connection with the server and client from the hello, over a working transport', async () => {
    const s = await listen();
    const a = new Client({ name: 'client-a', version: '1' });
    const b = new Client({ name: 'client-b', version: '1' });
    await a.connect(await connectGateway({ socketPath: s.socketPath, server: 'vsphere', client: 'claude-desktop' }));
    await b.connect(await connectGateway({ socketPath: s.socketPath, server: 'p6', client: 'vscode' }));
    assert.deepEqual(sessions.opened, [
      { server: 'vsphere', clientLabel: 'claude-desktop', via: 'socket' },
      { server: 'p6', clientLabel: 'vscode', via: 'socket' },
    ]);
    const [ra, rb] = await Promise.all([
      a.callTool({ name: 'echo', arguments: { text: 'one' } }),
      b.callTool({ name: 'echo', arguments: { text: 'two' } }),
    ]);
    assert.deepEqual(ra.content, [{ type: 'text', text: 'vsphere:one' }]);
    assert.deepEqual(rb.content, [{ type: 'text', text: 'p6:two' }]);
    assert.equal(s.connectionCount, 2);
    await a.close();
    await b.close();
    while (s.connectionCount > 0 || sessions.live.size > 0) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(rejected, []);
  });

  it('keeps a request sent in the same write as the hello', async () => {
    const s = await listen();
    const c = await rawConnect(s.socketPath);
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pipelined', version: '1' } } };
    c.socket.write(hello() + JSON.stringify(init) + '\n');
    assert.deepEqual(await c.nextLine(), { ok: true, server: 'vsphere' });
    const answer = (await c.nextLine()) as { id: number; result: { serverInfo: { name: string } } };
    assert.equal(answer.id, 1);
    assert.equal(answer.result.serverInfo.name, 'fake-vsphere');
    c.socket.destroy();
  });

  it('reports dropped lines with the session names', async () => {
    const dropped: unknown[] = [];
    const s = await GatewaySocketServer.listen({ socketPath: gatewaySocketPath(home, {}), sessions, onInvalidLine: (reason, names) => dropped.push({ reason, ...names }) });
    servers.push(s);
    const c = await rawConnect(s.socketPath);
    c.socket.write(hello('p6', 'cli') + 'garbage\n{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
    await c.nextLine();
    assert.deepEqual(await c.nextLine(), { jsonrpc: '2.0', id: 1, result: {} });
    assert.deepEqual(dropped, [{ reason: 'invalid-json', server: 'p6', client: 'cli' }]);
    c.socket.destroy();
  });

  it('close() ends every connection and session and removes the socket file', async () => {
    const s = await listen();
    const client = new Client({ name: 'c', version: '1' });
    const transport = await connectGateway({ socketPath: s.socketPath, server: 'vsphere', client: 'c' });
    const clientClosed = new Promise<void>((r) => { client.onclose = () => r(); });
    await client.connect(transport);
    const pending = await rawConnect(s.socketPath); // still in its handshake
    const [session] = [...sessions.live];
    await s.close();
    await Promise.all([clientClosed, pending.closed, session!.closed]);
    assert.equal(s.connectionCount, 0);
    assert.equal(fs.existsSync(s.socketPath), false);
    await assert.rejects(connectGateway({ socketPath: s.socketPath, server: 'vsphere', client: 'c' }), { code: 'CORE_HOST_NOT_RUNNING' });
  });
});
