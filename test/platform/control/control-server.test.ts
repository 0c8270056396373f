import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ControlServer, type ControlFrameInvalidReason } from '../../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../../mocks/fake-control-handler.js';

/** A raw client: write lines, read answer lines. */
class RawClient {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
      let i;
      while ((i = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, i));
        this.buffer = this.buffer.slice(i + 1);
      }
      this.waiters.splice(0).forEach((w) => w());
    });
  }
  static connect(p: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(p, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }
  send(line: string | Buffer): void {
    this.socket.write(line);
  }
  async next(): Promise<unknown> {
    while (this.lines.length === 0) await new Promise<void>((r) => this.waiters.push(r));
    return JSON.parse(this.lines.shift()!);
  }
  close(): void {
    this.socket.destroy();
  }
}

describe('ControlServer', () => {
  let home: string;
  let handler: FakeControlHandler;
  let server: ControlServer | undefined;
  let invalid: ControlFrameInvalidReason[];
  let internal: unknown[];

  const listen = async (): Promise<ControlServer> => {
    server = await ControlServer.listen({
      socketPath: controlSocketPath(home, {}),
      handler,
      onInvalidFrame: (r) => invalid.push(r),
      onInternalError: (e) => internal.push(e),
    });
    return server;
  };

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ctl-'));
    handler = new FakeControlHandler();
    invalid = [];
    internal = [];
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('serves every op and answers with the request id', async () => {
    const s = await listen();
    handler.approvals = [{ id: '3f9a2c1e', client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1', subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 3600, hosts: ['vc1.corp.example'] }, createdAt: 1, expiresAt: 2 }];
    handler.unlocked = ['vc1'];
    const c = await RawClient.connect(s.socketPath);
    c.send('{"id":1,"op":"status"}\n');
    assert.deepEqual(await c.next(), { id: 1, ok: true, result: handler.statusValue });
    c.send('{"id":2,"op":"approvals.list"}\n');
    assert.deepEqual(await c.next(), { id: 2, ok: true, result: handler.approvals });
    c.send('{"id":3,"op":"approvals.decide","approval":"3f9a2c1e","decision":"allow-once"}\n');
    assert.deepEqual(await c.next(), { id: 3, ok: true, result: { decided: '3f9a2c1e' } });
    c.send('{"id":4,"op":"lock","target":"vc1"}\n');
    assert.deepEqual(await c.next(), { id: 4, ok: true, result: { locked: ['vc1'] } });
    c.send('{"id":5,"op":"config.reload","changedCredentials":["endpoint:vc1"]}\n');
    assert.deepEqual(await c.next(), { id: 5, ok: true, result: { endpoints: 0 } });
    c.send('{"id":6,"op":"config.reload"}\n');
    assert.deepEqual(await c.next(), { id: 6, ok: true, result: { endpoints: 0 } });
    assert.deepEqual(handler.calls, [
      { op: 'status', args: [] },
      { op: 'approvals.list', args: [] },
      { op: 'approvals.decide', args: ['3f9a2c1e', 'allow-once'] },
      { op: 'lock', args: ['vc1'] },
      { op: 'config.reload', args: [['endpoint:vc1']] },
      { op: 'config.reload', args: [[]] },
    ]);
    c.close();
  });

  it('creates the socket 0600 in a 0700 folder, whatever the umask', async () => {
    fs.chmodSync(home, 0o755);
    const old = process.umask(0o000);
    try {
      const s = await listen();
      assert.equal(fs.statSync(s.socketPath).mode & 0o777, 0o600);
      assert.ok(fs.lstatSync(s.socketPath).isSocket(), 'the control socket is a socket');
      assert.equal(fs.statSync(home).mode & 0o777, 0o700);
    } finally {
      process.umask(old);
    }
  });

  it('replaces a stale socket file left by a dead host', async () => {
    const p = controlSocketPath(home, {});
    // A host killed with SIGKILL leaves its socket file behind, with nobody accepting on it.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(p)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((r) => child.once('exit', r));
    assert.ok(fs.lstatSync(p).isSocket(), 'the dead host left its socket file behind');
    await assert.rejects(RawClient.connect(p), { code: 'ECONNREFUSED' });
    const s = await listen();
    const c = await RawClient.connect(s.socketPath);
    c.send('{"id":1,"op":"lock"}\n');
    assert.deepEqual(await c.next(), { id: 1, ok: true, result: { locked: [] } });
    c.close();
  });

  it('refuses to take over a socket something still answers on, and leaves it alone', async () => {
    const first = await listen();
    await assert.rejects(
      ControlServer.listen({ socketPath: first.socketPath, handler }),
      (e: Error & { code?: string }) => e.code === 'CORE_CONTROL_SOCKET_IN_USE' && /stop the other KeyBroker host/.test(e.message),
    );
    const c = await RawClient.connect(first.socketPath);
    c.send('{"id":9,"op":"lock"}\n');
    assert.deepEqual(await c.next(), { id: 9, ok: true, result: { locked: [] } });
    c.close();
  });

  it('refuses a path that is a regular file instead of deleting it', async () => {
    const p = controlSocketPath(home, {});
    fs.writeFileSync(p, 'mine');
    await assert.rejects(ControlServer.listen({ socketPath: p, handler }), /not a socket; move it aside/);
    assert.equal(fs.readFileSync(p, 'utf8'), 'mine');
  });

  it('answers an invalid request that has a numeric id, drops one without, and reports both', async () => {
    const s = await listen();
    const c = await RawClient.connect(s.socketPath);
    c.send('{"id":7,"op":"approvals.decide","approval":"nope","decision":"allow-ttl"}\n');
    const answer = (await c.next()) as { id: number; ok: boolean; error: { code: string; message: string } };
    assert.equal(answer.id, 7);
    assert.equal(answer.ok, false);
    assert.equal(answer.error.code, 'CORE_CONTROL_INVALID_REQUEST');
    assert.match(answer.error.message, /approval/);
    c.send('{"op":"status"}\n');
    c.send('{"id":"8","op":"status"}\n');
    c.send('[1,2]\n');
    c.send('this is not json\n');
    c.send(Buffer.alloc(200 * 1024, 0x7b)); // '{' x 200 KiB, over the 64 KiB cap
    c.send('\n{"id":10,"op":"status"}\n');
    // The next answer is the valid request's: nothing came back for the dropped lines.
    assert.deepEqual(await c.next(), { id: 10, ok: true, result: handler.statusValue });
    assert.deepEqual(invalid, ['invalid-request', 'invalid-request', 'invalid-request', 'invalid-request', 'invalid-json', 'too-long']);
    assert.equal(handler.calls.length, 1);
    c.close();
  });

  it('maps coded errors to {code, message} and anything else to CORE_INTERNAL without detail', async () => {
    const s = await listen();
    const c = await RawClient.connect(s.socketPath);
    c.send('{"id":1,"op":"approvals.decide","approval":"00000000","decision":"deny"}\n');
    assert.deepEqual(await c.next(), { id: 1, ok: false, error: { code: 'CORE_APPROVAL_UNKNOWN', message: "no pending approval 00000000; it may have expired: run 'keybroker approvals'" } });
    const bug = new TypeError('cannot read x of undefined at /home/me/secret-path.ts:12');
    handler.failWith = bug;
    c.send('{"id":2,"op":"status"}\n');
    const answer = await c.next();
    assert.deepEqual(answer, { id: 2, ok: false, error: { code: 'CORE_INTERNAL', message: 'internal error; see the host log' } });
    assert.deepEqual(internal, [bug]);
    c.close();
  });

  it('refuses a handler result that breaks the contract (no extra field leaves the host)', async () => {
    const s = await listen();
    (handler as unknown as { lock: () => Promise<unknown> }).lock = async () => ({ locked: [], token: 'vmware_soap_session=abc' });
    const c = await RawClient.connect(s.socketPath);
    c.send('{"id":1,"op":"lock"}\n');
    assert.deepEqual(await c.next(), { id: 1, ok: false, error: { code: 'CORE_INTERNAL', message: 'internal error; see the host log' } });
    assert.equal(internal.length, 1);
    assert.doesNotMatch(String((internal[0] as Error).message), /abc/);
    c.close();
  });

  it('answers a client that half-closes after its request', async () => {
    const s = await listen();
    const c = await RawClient.connect(s.socketPath);
    c.socket.end('{"id":1,"op":"lock"}');
    assert.deepEqual(await c.next(), { id: 1, ok: true, result: { locked: [] } });
    await new Promise((r) => c.socket.once('close', r));
  });

  it('close() drops connections, stops listening and removes the socket file', async () => {
    const s = await listen();
    const c = await RawClient.connect(s.socketPath);
    const closed = new Promise((r) => c.socket.once('close', r));
    await s.close();
    await closed;
    assert.equal(s.connectionCount, 0);
    assert.equal(fs.existsSync(s.socketPath), false);
    await assert.rejects(RawClient.connect(s.socketPath), { code: 'ENOENT' });
    await s.close(); // idempotent
  });
});
