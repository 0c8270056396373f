// The host reads a child's `{ch}` in one place (issue 13 item 5): broker frames reach the
// broker's port, MCP frames the gateway's, and anything else (or a channel nobody listens
// on) is refused and audited, against a real child process.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HostToChildBroker } from '../../../src/base/contracts/token-protocol.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { buildChildEnv } from '../../../src/platform/supervisor/child-env.js';
import { openChildPorts } from '../../../src/platform/supervisor/child-ports.js';
import { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import { noSandbox } from '../../../src/platform/supervisor/sandbox/sandbox.js';
import { Recorder, SERVER_CHILD } from './supervisor-harness.js';

describe('openChildPorts()', () => {
  const handles: ChildProcessHandle[] = [];
  after(async () => {
    await Promise.all(handles.map((h) => h.stop({ graceMs: 1000 })));
  });

  function start() {
    const handle = new ChildProcessHandle(new NodeLauncher({ sandbox: noSandbox('channel demultiplexing test') }), { name: 'demo', modulePath: SERVER_CHILD, env: buildChildEnv(process.env) }, () => undefined);
    handles.push(handle);
    const audit = new Recorder<AuditInput>();
    const ports = openChildPorts(handle, { append: audit.push });
    const broker = new Recorder<unknown>();
    const mcp = new Recorder<unknown>();
    /** Have the child send `frame` back, through the broker port (the child answers any port). */
    const say = (frame: unknown) => ports.broker.send({ cmd: 'say', frame } as unknown as HostToChildBroker);
    return { handle, ports, audit, broker, mcp, say };
  }

  it('routes broker frames to the broker port and mcp frames to the mcp port, each whole', async () => {
    const c = start();
    c.ports.broker.onFrame(c.broker.push);
    c.ports.mcp.onFrame(c.mcp.push);
    c.handle.start();
    assert.match(c.ports.id, /^demo#\d+$/);
    assert.equal(c.ports.server, 'demo');
    c.say({ ch: 'broker', t: 'token.request', id: 'r1', endpoint: 'vc1' });
    c.say({ ch: 'mcp', msg: { jsonrpc: '2.0', method: 'ping', id: 1 } });
    assert.deepEqual(await c.broker.wait('broker frame', () => true), { ch: 'broker', t: 'token.request', id: 'r1', endpoint: 'vc1' });
    assert.deepEqual(await c.mcp.wait('mcp frame', () => true), { ch: 'mcp', msg: { jsonrpc: '2.0', method: 'ping', id: 1 } });
    assert.equal(c.broker.items.length, 1);
    assert.equal(c.mcp.items.length, 1);
    assert.equal(c.ports.pid, c.handle.pid);
  });

  it('refuses and audits a frame without a known channel, and one for a channel nobody listens on', async () => {
    const c = start();
    c.ports.broker.onFrame(c.broker.push);
    c.handle.start();
    // The fixture's first frame, {ready, pid}, has no channel at all.
    const first = await c.audit.wait('unknown-channel record', (r) => r.event === 'frame.invalid');
    assert.deepEqual(first, { event: 'frame.invalid', server: 'demo', pid: c.handle.pid, code: 'invalid', reason: 'frame without a known channel' });
    c.say({ ch: 'mcp', msg: { jsonrpc: '2.0', method: 'ping', id: 2 } });
    c.say({ ch: 'other', t: 'x' });
    c.say({ ch: 'broker', t: 'endpoints.request', id: 'e1' });
    await c.broker.wait('broker frame', () => true);
    assert.equal(c.audit.items.filter((r) => r.event === 'frame.invalid').length, 3);
  });

  it('delivers nothing after it is disposed', async () => {
    const c = start();
    c.ports.broker.onFrame(c.broker.push);
    c.handle.start();
    c.say({ ch: 'broker', t: 'endpoints.request', id: 'e1' });
    await c.broker.wait('broker frame', () => true);
    c.ports.dispose();
    const seen = new Recorder<unknown>();
    c.handle.onDidMessage(seen.push);
    c.say({ ch: 'broker', t: 'endpoints.request', id: 'e2' });
    await seen.wait('the second frame at the handle', (m) => (m as { id?: string }).id === 'e2');
    assert.equal(c.broker.items.length, 1);
    assert.equal(c.audit.items.filter((r) => (r as { reason?: string }).reason === 'frame without a known channel').length, 1);
  });
});
