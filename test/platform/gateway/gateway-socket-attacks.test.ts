// R9-attack: the gateway socket under attack by a peer that can connect to it (the owner's
// processes) or that cannot (another user). Each test is an attack that must fail.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { GATEWAY_PROTOCOL } from '../../../src/base/contracts/gateway-handshake.js';
import type { GatewaySession, GatewaySessions } from '../../../src/platform/gateway/gateway-sessions.js';
import { gatewaySocketPath } from '../../../src/platform/gateway/gateway-socket-path.js';
import { GatewaySocketServer } from '../../../src/platform/gateway/gateway-socket-server.js';
import { ControlServer } from '../../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../../mocks/fake-control-handler.js';
import { MAX_REQUESTS_IN_FLIGHT, REQUESTS_IN_FLIGHT_ERROR, type JsonLineInvalidReason, type JsonLineTransport } from '../../../src/platform/gateway/json-line-transport.js';
import { until } from '../../support/wait.js';
import { onJsonLines } from '../../support/json-lines.js';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Sessions over a real SDK server with `echo` and `wait` (answers only when cancelled, recording it). */
class AttackSessions implements GatewaySessions {
  readonly transports: JsonLineTransport[] = [];
  /** Per session, in order: the request ids of `tools/list` and `tools/call` the session saw. */
  readonly seen: number[][] = [];
  /** Per session: the `wait` calls that were cancelled, by their `tag` argument. */
  readonly aborted: string[][] = [];
  private readonly open = new Set<McpServer>();

  servers(): string[] {
    return ['vsphere'];
  }

  async openSession(options: { server: string; transport: Transport }): Promise<GatewaySession> {
    const index = this.transports.length;
    const transport = options.transport as JsonLineTransport;
    this.transports.push(transport);
    this.seen.push([]);
    this.aborted.push([]);
    const mcp = new McpServer({ name: 'attack', version: '1.0.0' });
    mcp.registerTool('echo', { description: 'echo', inputSchema: {}, annotations: readOnly }, async () => ({ content: [{ type: 'text' as const, text: 'echo' }] }));
    mcp.registerTool('wait', { description: 'wait until cancelled', inputSchema: {}, annotations: readOnly }, (args, extra) => new Promise((resolve) => {
      extra.signal.addEventListener('abort', () => {
        this.aborted[index]!.push(String((extra._meta as { tag?: unknown } | undefined)?.tag));
        resolve({ content: [] });
      });
    }));
    // Count what reaches the session: wrap the handler the SDK installs before it starts.
    const start = transport.start.bind(transport);
    transport.start = async () => {
      const inner = transport.onmessage;
      transport.onmessage = (m: JSONRPCMessage) => {
        if ('id' in m && 'method' in m && (m.method === 'tools/list' || m.method === 'tools/call')) this.seen[index]!.push(m.id as number);
        inner?.(m);
      };
      return start();
    };
    let ended!: () => void;
    const closed = new Promise<void>((r) => (ended = r));
    mcp.server.onclose = () => { this.open.delete(mcp); ended(); };
    this.open.add(mcp);
    await mcp.connect(transport);
    return { server: options.server, closed, close: () => mcp.close() };
  }
}

/** A raw client of the gateway socket: lines written by hand, answers by id. */
class RawPeer {
  readonly answers = new Map<number, { result?: unknown; error?: { code: number; message: string } }>();
  private constructor(readonly socket: net.Socket) {
    onJsonLines<{ id?: number; result?: unknown; error?: { code: number; message: string } }>(socket, (line) => {
      if (typeof line.id === 'number') this.answers.set(line.id, line);
    });
  }

  static async connect(socketPath: string): Promise<RawPeer> {
    const socket = net.connect(socketPath);
    await new Promise((r, j) => { socket.once('connect', r); socket.once('error', j); });
    const peer = new RawPeer(socket);
    peer.write({ protocol: GATEWAY_PROTOCOL, server: 'vsphere', client: 'attacker' });
    peer.write({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'attacker', version: '1' } } });
    await until('initialize answer', () => peer.answers.has(0));
    peer.write({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return peer;
  }

  write(value: unknown): void {
    this.socket.write(JSON.stringify(value) + '\n');
  }

  call(id: number, tool: 'echo' | 'wait', tag?: string): void {
    this.write({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: {}, ...(tag ? { _meta: { tag } } : {}) } });
  }

  cancel(requestId: number): void {
    this.write({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'test' } });
  }
}

describe('the gateway socket under attack (R9-attack)', () => {
  let home: string;
  let sessions: AttackSessions;
  let invalid: JsonLineInvalidReason[];
  let server: GatewaySocketServer;
  const peers: RawPeer[] = [];

  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-gwa-'));
    sessions = new AttackSessions();
    invalid = [];
    server = await GatewaySocketServer.listen({ socketPath: gatewaySocketPath(home, {}), sessions, onInvalidLine: (r) => invalid.push(r) });
  });
  afterEach(async () => {
    for (const p of peers.splice(0)) p.socket.destroy();
    await server.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('Security: a client that writes 20,000 requests and never reads the answers cannot make the host buffer them; once it reads, every request is answered', async () => {
    const peer = await RawPeer.connect(server.socketPath);
    peers.push(peer);
    const transport = sessions.transports[0]!;
    const hostSocket = (transport as unknown as { socket: net.Socket }).socket;
    peer.socket.pause(); // Never read, from now on.
    const total = 20_000;
    const lines = Array.from({ length: total }, (_, i) => JSON.stringify({ jsonrpc: '2.0', id: i + 1, method: 'tools/list' }) + '\n').join('');
    peer.socket.write(lines);
    const bound = 2 * 1024 * 1024;
    // Either the host stops reading (the fix), or it buffers answers past the bound (the attack worked).
    await until('the host to stop reading or to pass the bound', () => transport.holding || hostSocket.writableLength >= bound);
    const served = sessions.seen[0]!.length;
    assert.ok(transport.holding, `the host kept reading: ${served} of ${total} requests served, ${hostSocket.writableLength} bytes of answers buffered for a client that reads nothing`);
    assert.ok(served < total / 4, `${served} requests served while the client read nothing`);
    // What the host holds for this client: the answers it wrote (the kernel took some) and no more.
    assert.ok(hostSocket.writableLength < bound, `host buffers ${hostSocket.writableLength} bytes of answers`);
    peer.socket.resume();
    await until('every request answered', () => peer.answers.size === total + 1);
    for (let id = 1; id <= total; id++) {
      const a = peer.answers.get(id)!;
      assert.ok(a.result !== undefined || a.error?.code === REQUESTS_IN_FLIGHT_ERROR, `request ${id}: ${JSON.stringify(a)}`);
    }
    assert.equal(transport.holding, false);
  });

  it(`Security: a ${MAX_REQUESTS_IN_FLIGHT + 1}th request at once is refused at once, and a cancel still gets through and frees a place`, async () => {
    const peer = await RawPeer.connect(server.socketPath);
    peers.push(peer);
    for (let id = 1; id <= MAX_REQUESTS_IN_FLIGHT; id++) peer.call(id, 'wait', `w${id}`);
    peer.call(1000, 'echo');
    await until('the extra request refused', () => peer.answers.has(1000));
    assert.equal(peer.answers.get(1000)!.error?.code, REQUESTS_IN_FLIGHT_ERROR);
    assert.match(peer.answers.get(1000)!.error!.message, /too many requests at once \(64 are being served\); wait for their answers/);
    assert.ok(!sessions.seen[0]!.includes(1000), 'the refused request reached the session');
    peer.cancel(1);
    await until('the cancel to reach the session', () => sessions.aborted[0]!.includes('w1'));
    peer.call(1001, 'echo');
    await until('the next request answered', () => peer.answers.has(1001));
    assert.ok(peer.answers.get(1001)!.result !== undefined, JSON.stringify(peer.answers.get(1001)));
    for (let id = 2; id <= MAX_REQUESTS_IN_FLIGHT; id++) peer.cancel(id);
    await until('every wait cancelled', () => sessions.aborted[0]!.length === MAX_REQUESTS_IN_FLIGHT);
  });

  it('Security: a request that reuses the id of one still being served is dropped and reported; the connection goes on', async () => {
    const peer = await RawPeer.connect(server.socketPath);
    peers.push(peer);
    peer.call(7, 'wait', 'first');
    peer.call(7, 'echo');
    peer.call(8, 'echo');
    await until('the next request answered', () => peer.answers.has(8));
    assert.deepEqual(invalid, ['duplicate-id']);
    assert.deepEqual(sessions.seen[0], [7, 8]);
    assert.equal(peer.answers.has(7), false, 'the repeated id was answered');
    peer.cancel(7);
    await until('the first request cancelled', () => sessions.aborted[0]!.includes('first'));
    // Once answered (here: cancelled), the id may be used again.
    peer.call(7, 'echo');
    await until('the reused id answered', () => peer.answers.has(7));
  });

  it("Security: one client's ids mean nothing on another's connection: B cannot cancel or answer A's request", async () => {
    const a = await RawPeer.connect(server.socketPath);
    const b = await RawPeer.connect(server.socketPath);
    peers.push(a, b);
    a.call(1, 'wait', 'a1');
    await until('A\'s call served', () => sessions.seen[0]!.includes(1));
    b.cancel(1);
    b.write({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'forged' }] } });
    b.call(2, 'echo');
    await until('B\'s own call answered', () => b.answers.has(2));
    assert.deepEqual(sessions.aborted, [[], []], 'B cancelled a call of A');
    assert.equal(a.answers.has(1), false, 'A got an answer B forged');
    a.cancel(1);
    await until('A\'s own cancel', () => sessions.aborted[0]!.includes('a1'));
  });

  it('Security: a hello split into one-byte writes is read whole; the session works', async () => {
    const socket = net.connect(server.socketPath);
    await new Promise((r) => socket.once('connect', r));
    const hello = JSON.stringify({ protocol: GATEWAY_PROTOCOL, server: 'vsphere', client: 'slow' }) + '\n';
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    for (const ch of hello) await new Promise<void>((r) => socket.write(ch, () => r()));
    await until('the welcome', () => got.includes('\n'));
    assert.deepEqual(JSON.parse(got.split('\n')[0]!), { ok: true, server: 'vsphere' });
    socket.destroy();
  });
});

describe('the gateway and control sockets against another local user (R9-attack)', () => {
  const root = process.getuid?.() === 0;
  it('Security: uid 65534 cannot connect to gateway.sock or control.sock (`keybroker approve` from another user\'s shell), not even when the home folder has been opened up to 0755 afterwards', { skip: (process.platform !== 'linux' || !root) && 'needs Linux and root to act as another user' }, async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-gwu-'));
    const gateway = await GatewaySocketServer.listen({ socketPath: gatewaySocketPath(home, {}), sessions: new AttackSessions() });
    const control = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler: new FakeControlHandler() });
    const tryAs = (socketPath: string): Promise<string> => new Promise((resolve, reject) => {
      const script = `const s=require('net').connect(${JSON.stringify(socketPath)});s.on('connect',()=>{console.log('CONNECTED');s.destroy()});s.on('error',(e)=>console.log(e.code))`;
      const child = spawn(process.execPath, ['-e', script], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.once('error', reject);
      child.once('close', () => resolve(out.trim()));
    });
    try {
      assert.equal(fs.statSync(home).mode & 0o777, 0o700);
      for (const s of [gateway, control]) assert.equal(await tryAs(s.socketPath), 'EACCES', s.socketPath);
      // The folder is the first guard; each socket's own 0600 is the second.
      fs.chmodSync(home, 0o755);
      for (const s of [gateway, control]) assert.equal(await tryAs(s.socketPath), 'EACCES', s.socketPath);
      assert.equal(gateway.connectionCount + control.connectionCount, 0);
    } finally {
      await gateway.close();
      await control.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
