import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { HostNotRunningError } from '../../../src/base/errors/host-not-running-error.js';
import { ControlClient } from '../../../src/platform/control/control-client.js';
import { ControlProtocolError, ControlRemoteError, ControlTimeoutError } from '../../../src/platform/control/control-errors.js';
import { ControlServer } from '../../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../../mocks/fake-control-handler.js';

describe('ControlClient', () => {
  let home: string;
  let handler: FakeControlHandler;
  const cleanup: Array<() => unknown> = [];

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-cli-ctl-'));
    handler = new FakeControlHandler();
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
    fs.rmSync(home, { recursive: true, force: true });
  });

  const serve = async (): Promise<ControlServer> => {
    const s = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
    cleanup.push(() => s.close());
    return s;
  };
  const connect = async (): Promise<ControlClient> => {
    const c = await ControlClient.connect(home, { env: {} });
    cleanup.push(() => c.close());
    return c;
  };

  it('calls every op with typed, validated results', async () => {
    await serve();
    handler.approvals = [{ id: 'abcdef01', client: 'code', clientVerified: false, server: 'p6', endpoint: 'p6a', subject: { kind: 'tool', tool: 'p6_delete', argsPreview: '{}', changes: true }, createdAt: 1, expiresAt: 2 }];
    handler.unlocked = ['vc1', 'vc2'];
    const c = await connect();
    assert.deepEqual(await c.call('status'), handler.statusValue);
    assert.deepEqual(await c.call('approvals.list'), handler.approvals);
    assert.deepEqual(await c.call('approvals.decide', { approval: 'abcdef01', decision: 'deny' }), { decided: 'abcdef01' });
    assert.deepEqual(await c.call('lock', { target: 'vc2' }), { locked: ['vc2'] });
    assert.deepEqual(await c.call('lock'), { locked: ['vc1'] });
    assert.deepEqual(await c.call('config.reload', { changedCredentials: ['endpoint:vc1'] }), { endpoints: 0 });
    // Concurrent calls on one connection are matched by id.
    const [a, b] = await Promise.all([c.call('lock'), c.call('status')]);
    assert.deepEqual(a, { locked: [] });
    assert.equal(b.host.running, true);
  });

  it('throws HostNotRunningError when no socket file exists', async () => {
    await assert.rejects(ControlClient.connect(home, { env: {} }), (e: unknown) => {
      assert.ok(e instanceof HostNotRunningError, 'no socket gives HostNotRunningError');
      assert.equal(e.code, 'CORE_HOST_NOT_RUNNING');
      assert.equal(e.message, 'KeyBroker is not running; start it with `keybroker serve` (or the menu-bar app)');
      return true;
    });
  });

  it('throws HostNotRunningError when the socket file is stale (nobody listens)', async () => {
    const p = controlSocketPath(home, {});
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(p)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((r) => child.once('exit', r));
    await assert.rejects(ControlClient.connect(home, { env: {} }), HostNotRunningError);
  });

  it('turns a host error into ControlRemoteError with the host code and message', async () => {
    await serve();
    const c = await connect();
    await assert.rejects(c.call('approvals.decide', { approval: '12345678', decision: 'allow-ttl' }), (e: unknown) => {
      assert.ok(e instanceof ControlRemoteError, 'the host\'s refusal arrives as ControlRemoteError');
      assert.equal(e.remoteCode, 'CORE_APPROVAL_UNKNOWN');
      assert.match(e.message, /no pending approval 12345678/);
      return true;
    });
    // The connection stays usable after an error answer.
    assert.deepEqual(await c.call('lock'), { locked: [] });
  });

  it('refuses a bad request locally, naming the field', async () => {
    await serve();
    const c = await connect();
    await assert.rejects(c.call('approvals.decide', { approval: 'XYZ', decision: 'deny' }), (e: unknown) => e instanceof ControlProtocolError && /approval/.test(e.message));
    assert.equal(handler.calls.length, 0);
  });

  /** A fake host speaking raw lines, for answers the real server never sends. */
  const rawHost = async (onLine: (line: string, socket: net.Socket) => void): Promise<void> => {
    const p = controlSocketPath(home, {});
    const open = new Set<net.Socket>();
    const server = net.createServer((s) => {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.setEncoding('utf8');
      let buf = '';
      s.on('data', (d: string) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i), s);
          buf = buf.slice(i + 1);
        }
      });
    });
    await new Promise<void>((r) => server.listen(p, r));
    cleanup.push(() => {
      for (const s of open) s.destroy();
      return new Promise((r) => server.close(r));
    });
  };

  it('times out when the host does not answer', async () => {
    await rawHost(() => undefined);
    const c = await connect();
    await assert.rejects(c.call('status', {}, { timeoutMs: 50 }), (e: unknown) => e instanceof ControlTimeoutError && /did not answer "status"/.test(e.message));
  });

  it('rejects an answer that breaks the result contract', async () => {
    await rawHost((line, s) => s.write(JSON.stringify({ id: JSON.parse(line).id, ok: true, result: { locked: 'everything' } }) + '\n'));
    const c = await connect();
    await assert.rejects(c.call('lock'), (e: unknown) => e instanceof ControlProtocolError && /breaks the contract at locked/.test(e.message));
  });

  it('fails pending calls when the host closes the connection', async () => {
    await rawHost((_line, s) => s.destroy());
    const c = await connect();
    await assert.rejects(c.call('status'), (e: unknown) => e instanceof ControlProtocolError && /closed the control connection/.test(e.message));
    await assert.rejects(c.call('status'), ControlProtocolError);
  });

  it('shows control characters of a host error message as U+FFFD, on one line', async () => {
    await rawHost((line, s) => s.write(JSON.stringify({ id: JSON.parse(line).id, ok: false, error: { code: 'CORE_X', message: 'bad\n\u001b[31mthing' } }) + '\n'));
    const c = await connect();
    await assert.rejects(c.call('status'), (e: unknown) => e instanceof ControlRemoteError && e.message === 'bad \uFFFD[31mthing');
  });
});
