import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UtilityLauncher } from '../../src/main/utility-launcher.js';
import { MAX_CHILD_LOG_LINE_BYTES } from '../../src/platform/supervisor/child-log-lines.js';
import { FakeUtilityProcessModule } from '../mocks/electron.js';

const spec = { name: 'vsphere', modulePath: '/app/dist/mcp/vsphere/index.cjs', env: { PATH: '/usr/bin' }, execArgv: ['--enable-source-maps'] };

describe('UtilityLauncher.launch()', () => {
  it('forks a utility process with exactly the allow-listed env', () => {
    const utility = new FakeUtilityProcessModule();
    new UtilityLauncher(utility).launch(spec);
    const f = utility.forks[0]!;
    assert.equal(f.modulePath, spec.modulePath);
    assert.deepEqual(f.options.env, { PATH: '/usr/bin', KEYBROKER_CHANNEL: 'stdout' });
    assert.deepEqual(f.options.execArgv, ['--enable-source-maps']);
    assert.equal(f.options.stdio, 'pipe');
  });

  it('reads frames from stdout through the bounded framer, sends by postMessage, and stops after exit', async () => {
    const utility = new FakeUtilityProcessModule();
    const child = new UtilityLauncher(utility).launch(spec);
    const f = utility.forks[0]!;
    const got: unknown[] = [];
    const sub = child.onMessage((m) => got.push(m));
    f.stdout.write('{"ch":"broker","t":"token.request",');
    f.stdout.write('"id":"1","endpoint":"vc1"}\n');
    // Security: parentPort messages from the child are never read (their size cannot be bounded).
    f.childSends({ ch: 'broker', t: 'token.request', id: 'via-parentPort', endpoint: 'vc1' });
    child.send({ ch: 'mcp', msg: { jsonrpc: '2.0' } });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, [{ ch: 'broker', t: 'token.request', id: '1', endpoint: 'vc1' }]);
    assert.equal(f.listeners.count('message'), 0);
    assert.deepEqual(f.posted, [{ ch: 'mcp', msg: { jsonrpc: '2.0' } }]);
    const exits: unknown[] = [];
    child.onExit((code, signal) => exits.push([code, signal]));
    f.exit(3);
    assert.deepEqual(exits, [[3, null]]);
    assert.equal(child.pid, undefined);
    child.send({ late: true });
    assert.equal(f.posted.length, 1);
    sub.dispose();
  });

  it('Security: keeps at most MAX_CHILD_LOG_LINE_BYTES of a stderr line that never ends (the rest is dropped as it comes), and the next lines still come', async () => {
    const utility = new FakeUtilityProcessModule();
    const child = new UtilityLauncher(utility).launch(spec);
    const f = utility.forks[0]!;
    const lines: string[] = [];
    child.onLog((l) => lines.push(l));
    for (let i = 0; i < 8; i++) f.stderr.write('y'.repeat(1024 * 1024));
    f.stderr.write('\nnext\n');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(lines, [`${'y'.repeat(MAX_CHILD_LOG_LINE_BYTES)} [line cut: longer than ${MAX_CHILD_LOG_LINE_BYTES} bytes]`, 'next']);
  });

  it('an endless stdout frame is a violation: reported once, nothing more delivered or sent', async () => {
    const utility = new FakeUtilityProcessModule();
    const child = new UtilityLauncher(utility).launch(spec);
    const f = utility.forks[0]!;
    const violations: unknown[] = [];
    const got: unknown[] = [];
    child.onViolation((v) => violations.push(v));
    child.onMessage((m) => got.push(m));
    const mib = Buffer.alloc(1024 * 1024, 0x78);
    for (let i = 0; i < 17 && !f.stdout.destroyed; i++) f.stdout.write(mib);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(violations, ['oversized']);
    assert.deepEqual(got, []);
    child.send({ ch: 'mcp', msg: {} });
    assert.deepEqual(f.posted, []);
  });

  it('a plain command (channel: false) gets no channel: stdout is output', async () => {
    const utility = new FakeUtilityProcessModule();
    const child = new UtilityLauncher(utility).launch({ ...spec, channel: false });
    const f = utility.forks[0]!;
    assert.deepEqual(f.options.env, { PATH: '/usr/bin' });
    const lines: string[] = [];
    child.onLog((l) => lines.push(l));
    f.stdout.write('{"config":"x"}\n');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(lines, ['{"config":"x"}']);
  });

  it('SIGTERM uses kill(); SIGKILL goes to the pid', () => {
    const utility = new FakeUtilityProcessModule();
    const killed: unknown[] = [];
    const child = new UtilityLauncher(utility, (pid, sig) => killed.push([pid, sig])).launch(spec);
    child.kill('SIGTERM');
    child.kill('SIGKILL');
    assert.deepEqual(utility.forks[0]!.killed, ['kill']);
    assert.deepEqual(killed, [[4242, 'SIGKILL']]);
  });
});

describe('UtilityLauncher onLog()', () => {
  it('reports stdout and stderr lines', async () => {
    const utility = new FakeUtilityProcessModule();
    const child = new UtilityLauncher(utility).launch(spec);
    const lines: string[] = [];
    child.onLog((l) => lines.push(l));
    utility.forks[0]!.stderr.write('[vsphere 1] ready\n');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(lines, ['[vsphere 1] ready']);
  });
});
