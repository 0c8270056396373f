import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildStatus } from '../../../src/base/contracts/broker-status.js';
import { BugError } from '../../../src/base/errors/core-error.js';
import type { LaunchSpec, Launcher } from '../../../src/platform/supervisor/launcher.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import { noSandbox } from '../../../src/platform/supervisor/sandbox/sandbox.js';
import { ServerNotFoundError } from '../../../src/platform/supervisor/server-not-found-error.js';
import { SERVER_CHILD, cleanupSupervisors, isGone, makeSupervisor, next, serverSpec } from './supervisor-harness.js';

afterEach(cleanupSupervisors);

describe('Supervisor add()', () => {
  it('starts the child as running, audits child.started and routes its log lines as [name pid]', async () => {
    const t = makeSupervisor();
    const handle = await t.add(serverSpec('alpha'));
    const pid = handle.pid;
    assert.ok(pid, 'the child has a pid');
    assert.deepEqual(t.sup.status(), [{ name: 'alpha', kind: 'vsphere', pid, state: 'running', restarts: 0 }]);
    ChildStatus.array().parse(t.sup.status());
    assert.equal(t.sup.get('alpha'), handle);
    assert.deepEqual(t.audit.items, [{ event: 'child.started', outcome: 'ok', pid, server: 'alpha' }]);
    await t.logs.wait('hello line', (l) => l === `[alpha ${pid}] hello from server-child`);
  });

  it('Security: hands the launcher the files the spec names (what the sandbox lets the child read, D182), and none for a spec without', async () => {
    const launched: LaunchSpec[] = [];
    const real = new NodeLauncher({ sandbox: noSandbox('supervisor logic test') });
    const launcher: Launcher = { isolation: real.isolation, isolationNote: real.isolationNote, launch: (spec) => (launched.push(spec), real.launch(spec)) };
    const t = makeSupervisor({ launcher });
    await t.add({ ...serverSpec('alpha'), reads: [SERVER_CHILD] });
    await t.add(serverSpec('beta'));
    assert.deepEqual(launched.map((l) => [l.name, l.reads]), [['alpha', [SERVER_CHILD]], ['beta', undefined]]);
    assert.ok(!('reads' in launched[1]!), 'no reads key for a spec without files');
  });

  it('refuses a second server with the same name', async () => {
    const t = makeSupervisor();
    await t.add(serverSpec('alpha'));
    assert.throws(() => t.sup.add(serverSpec('alpha')), BugError);
    assert.equal(t.sup.status().length, 1);
  });
});

describe('Supervisor crash restart', () => {
  it('restarts a crashed child after the backoff, counts the restart and audits exit and restart', async () => {
    const t = makeSupervisor();
    const first = await t.add(serverSpec('alpha'));
    const exit = await t.crash('alpha', 3);
    assert.equal(exit.exit.code, 3);
    assert.equal(exit.exit.expected, false);
    assert.equal(exit.willRestart, true);
    assert.deepEqual(t.sup.status(), [{ name: 'alpha', kind: 'vsphere', state: 'restarting', restarts: 0 }]);
    assert.equal(t.sup.get('alpha'), undefined);
    assert.deepEqual(t.clock.delays, [250]);

    const second = await t.advanceToRestart(250);
    assert.notEqual(second.pid, first.pid);
    assert.ok(isGone(first.pid ?? 0), 'the crashed child is gone');
    assert.deepEqual(t.sup.status(), [{ name: 'alpha', kind: 'vsphere', pid: second.pid, state: 'running', restarts: 1 }]);
    assert.deepEqual(t.audit.items, [
      { event: 'child.started', outcome: 'ok', pid: first.pid, server: 'alpha' },
      { event: 'child.exited', outcome: 'failed', pid: first.pid, code: 'crashed', reason: 'exit code 3; restarting in 250 ms', server: 'alpha' },
      { event: 'child.restarted', outcome: 'ok', pid: second.pid, server: 'alpha' },
    ]);
    assert.ok(t.logs.items.includes(`[alpha ${first.pid}] exit code 3; restarting in 250 ms`), 'the restart is logged with its delay');
  });

  it('grows the backoff with consecutive crashes, capped at maxDelayMs', async () => {
    const t = makeSupervisor({ policy: { baseDelayMs: 100, factor: 3, maxDelayMs: 2000, crashLoopCount: 10 } });
    await t.add(serverSpec('alpha'));
    for (let i = 0; i < 5; i++) {
      await t.crash('alpha');
      await t.advanceToRestart(t.clock.delays.at(-1) ?? 0);
    }
    assert.deepEqual(t.clock.delays, [100, 300, 900, 2000, 2000]);
    assert.equal(t.sup.status()[0]?.restarts, 5);
  });

  it('starts the backoff over once a child has stayed up stableAfterMs', async () => {
    const t = makeSupervisor({ policy: { stableAfterMs: 60_000 } });
    await t.add(serverSpec('alpha'));
    await t.crash('alpha');
    await t.advanceToRestart(250);
    await t.crash('alpha');
    await t.advanceToRestart(500);
    t.clock.advance(60_000);
    await t.crash('alpha');
    assert.deepEqual(t.clock.delays, [250, 500, 250]);
  });

  it('treats a child that exits with code 0 on its own as a crash', async () => {
    const t = makeSupervisor();
    await t.add(serverSpec('alpha'));
    const exit = await t.crash('alpha', 0);
    assert.equal(exit.willRestart, true);
    assert.equal(t.sup.status()[0]?.state, 'restarting');
  });
});

describe('Supervisor crash loop', () => {
  it('gives up after crashLoopCount crashes inside the window: failed, onDidFail, no more restarts', async () => {
    const t = makeSupervisor();
    const failed = next(t.sup.onDidFail, 'onDidFail');
    const starts: boolean[] = [];
    t.sup.onDidStart((e) => starts.push(e.restart));
    await t.add(serverSpec('alpha'));
    for (let i = 0; i < 4; i++) {
      await t.crash('alpha');
      await t.advanceToRestart(t.clock.delays.at(-1) ?? 0);
    }
    const last = await t.crash('alpha');
    assert.equal(last.willRestart, false);
    assert.equal((await failed).name, 'alpha');
    assert.deepEqual(t.clock.delays, [250, 500, 1000, 2000]);
    assert.equal(t.clock.pendingTimers, 0);
    assert.deepEqual(t.sup.status(), [{ name: 'alpha', kind: 'vsphere', state: 'failed', restarts: 4 }]);
    const audited = t.audit.items.at(-1);
    assert.equal(audited?.event, 'child.exited');
    assert.equal(audited?.code, 'crash_loop');
    assert.equal(audited?.reason, 'exit code 3; 5 crashes within 120000 ms, not restarting');

    t.clock.advance(10 * 60_000);
    assert.equal(t.sup.status()[0]?.state, 'failed');
    assert.deepEqual(starts, [false, true, true, true, true]);
  });

  it('restart(name) recovers a failed server with a fresh crash history', async () => {
    const t = makeSupervisor({ policy: { crashLoopCount: 2 } });
    await t.add(serverSpec('alpha'));
    await t.crash('alpha');
    await t.advanceToRestart(250);
    await t.crash('alpha');
    assert.equal(t.sup.status()[0]?.state, 'failed');

    const started = next(t.sup.onDidStart, 'manual restart');
    await t.sup.restart('alpha');
    const { handle, restart } = await started;
    assert.equal(restart, true);
    await t.ready(handle);
    assert.deepEqual(t.sup.status(), [{ name: 'alpha', kind: 'vsphere', pid: handle.pid, state: 'running', restarts: 2 }]);
    // One crash after the recovery is a first crash again: base delay, not failed.
    const exit = await t.crash('alpha');
    assert.equal(exit.willRestart, true);
    assert.deepEqual(t.clock.delays, [250, 250]);
  });

  it('never fails a child whose crashes are spread wider than the window', async () => {
    const t = makeSupervisor({ policy: { crashLoopCount: 2, crashLoopWindowMs: 1000 } });
    await t.add(serverSpec('alpha'));
    for (let i = 0; i < 3; i++) {
      await t.crash('alpha');
      await t.advanceToRestart(t.clock.delays.at(-1) ?? 0);
      t.clock.advance(1000);
    }
    assert.equal(t.sup.status()[0]?.state, 'running');
    // Still consecutive crashes (never up stableAfterMs), so the backoff kept growing.
    assert.deepEqual(t.clock.delays, [250, 500, 1000]);
  });

  it('counts a launcher that throws as a crash, so a broken install ends as failed', async () => {
    let attempts = 0;
    const t = makeSupervisor({
      policy: { crashLoopCount: 3 },
      launcher: { isolation: 'none', isolationNote: '', launch: () => { attempts++; throw new Error('spawn EACCES'); } },
    });
    const failed = next(t.sup.onDidFail, 'onDidFail');
    t.sup.add(serverSpec('alpha'));
    t.clock.advance(250);
    t.clock.advance(500);
    await failed;
    assert.equal(attempts, 3);
    assert.deepEqual(t.sup.status(), [{ name: 'alpha', kind: 'vsphere', state: 'failed', restarts: 0 }]);
    assert.deepEqual(t.audit.items.map((a) => [a.event, a.outcome, a.code]), [
      ['child.started', 'failed', 'launch_failed'],
      ['child.started', 'failed', 'launch_failed'],
      ['child.started', 'failed', 'launch_failed'],
    ]);
    assert.equal(t.clock.pendingTimers, 0);
  });
});

describe('Supervisor stop', () => {
  it('stopAll() SIGKILLs a child that ignores SIGTERM after stopGraceMs and leaves no process behind', async () => {
    const t = makeSupervisor({ policy: { stopGraceMs: 300 } });
    const stubborn = await t.add(serverSpec('stubborn', ['--ignore-sigterm']));
    const polite = await t.add(serverSpec('polite'));
    await t.sup.stopAll();

    const byName = new Map(t.exits.items.map((e) => [e.spec.name, e]));
    assert.equal(byName.get('stubborn')?.exit.signal, 'SIGKILL');
    assert.equal(byName.get('polite')?.exit.signal, 'SIGTERM');
    for (const e of byName.values()) {
      assert.equal(e.exit.expected, true);
      assert.equal(e.willRestart, false);
    }
    for (const pid of [stubborn.pid, polite.pid]) assert.throws(() => process.kill(pid ?? 0, 0), { code: 'ESRCH' });
    // The SIGTERM reached it first (it said so) and the kill came after.
    await t.logs.wait('SIGTERM notice', (l) => l === `[stubborn ${stubborn.pid}] ignoring SIGTERM`);
    assert.deepEqual(t.sup.status().map((s) => s.state), ['stopped', 'stopped']);
    assert.equal(t.clock.pendingTimers, 0);
  });

  it('does not treat an intended stop as a crash: no restart, audited ok', async () => {
    const t = makeSupervisor();
    const handle = await t.add(serverSpec('alpha'));
    let starts = 0;
    t.sup.onDidStart(() => starts++);
    await t.sup.stop('alpha');
    t.clock.advance(60_000);
    assert.equal(starts, 0);
    assert.equal(t.clock.pendingTimers, 0);
    assert.equal(t.sup.get('alpha'), undefined);
    assert.deepEqual(t.sup.status(), [{ name: 'alpha', kind: 'vsphere', state: 'stopped', restarts: 0 }]);
    assert.deepEqual(t.audit.items.at(-1), { event: 'child.exited', outcome: 'ok', pid: handle.pid, reason: 'stopped (killed by SIGTERM)', server: 'alpha' });
    assert.ok(isGone(handle.pid ?? 0), 'the stopped child is gone');
  });

  it('stop(name) cancels a pending restart', async () => {
    const t = makeSupervisor();
    await t.add(serverSpec('alpha'));
    await t.crash('alpha');
    assert.equal(t.clock.pendingTimers, 1);
    await t.sup.stop('alpha');
    assert.equal(t.clock.pendingTimers, 0);
    assert.equal(t.sup.status()[0]?.state, 'stopped');
  });

  it('restart(name) on a running child stops it gracefully and starts a new one at once', async () => {
    const t = makeSupervisor();
    const first = await t.add(serverSpec('alpha'));
    const exited = next(t.sup.onDidExit, 'exit');
    const started = next(t.sup.onDidStart, 'restart');
    await t.sup.restart('alpha');
    const exit = await exited;
    assert.equal(exit.exit.expected, true);
    assert.equal(exit.willRestart, true);
    const { handle } = await started;
    await t.ready(handle);
    assert.ok(isGone(first.pid ?? 0), 'the first child is gone');
    assert.deepEqual(t.clock.delays, []);
    assert.deepEqual(t.sup.status(), [{ name: 'alpha', kind: 'vsphere', pid: handle.pid, state: 'running', restarts: 1 }]);
  });

  it('rejects stop and restart of an unknown server', async () => {
    const t = makeSupervisor();
    await assert.rejects(t.sup.stop('nope'), ServerNotFoundError);
    await assert.rejects(t.sup.restart('nope'), ServerNotFoundError);
  });

  it('dispose() stops every child and ends supervision', async () => {
    const t = makeSupervisor();
    const handle = await t.add(serverSpec('alpha'));
    const pid = handle.pid ?? 0;
    const gone = new Promise<void>((resolve) => handle.onDidExit(() => resolve()));
    t.sup.dispose();
    await gone;
    assert.ok(isGone(pid), 'the child is gone after dispose');
    assert.equal(t.clock.pendingTimers, 0);
    assert.throws(() => t.sup.add(serverSpec('beta')), BugError);
  });
});

describe('Supervisor child environment', () => {
  it('passes only allow-listed variables plus KEYBROKER_CHILD and KEYBROKER_CHANNEL, never a secret from the parent', async () => {
    const t = makeSupervisor({
      env: { PATH: process.env['PATH'], LANG: 'C.UTF-8', VSPHERE_PASSWORD: 'hunter2-parent-only', KEYBROKER_API_KEY: 'kb_parent_only', NODE_OPTIONS: '--require /tmp/evil.js' },
    });
    const handle = await t.add(serverSpec('alpha'));
    handle.send({ cmd: 'env' });
    const { msg } = await t.messages.wait('env report', (x) => x.handle === handle && 'envKeys' in x.msg);
    assert.deepEqual(msg['envKeys'], ['KEYBROKER_CHANNEL', 'KEYBROKER_CHILD', 'LANG', 'PATH']);
    assert.equal(msg['child'], 'alpha');
  });

  it("adds the spec's fixed variables (a kind's tunables) beside KEYBROKER_CHILD", async () => {
    const t = makeSupervisor({ env: { PATH: process.env['PATH'], VSPHERE_PASSWORD: 'hunter2-parent-only' } });
    const handle = await t.add({ ...serverSpec('beta'), env: { MALLOC_MMAP_THRESHOLD_: '131072' } });
    handle.send({ cmd: 'env' });
    const { msg } = await t.messages.wait('env report', (x) => x.handle === handle && 'envKeys' in x.msg);
    assert.deepEqual(msg['envKeys'], ['KEYBROKER_CHANNEL', 'KEYBROKER_CHILD', 'MALLOC_MMAP_THRESHOLD_', 'PATH']);
    assert.equal(msg['child'], 'beta');
  });

  it("Security: a spec's fixed variables are MALLOC_* numbers only; anything that changes what a child runs is refused before a process starts", () => {
    const t = makeSupervisor({ env: { PATH: process.env['PATH'] } });
    const refused: Array<Record<string, string>> = [
      { KEYBROKER_CHILD: 'spoofed' },
      { KEYBROKER_CHANNEL: 'fd9' },
      { NODE_OPTIONS: '--require /tmp/evil.js' },
      { LD_PRELOAD: '/tmp/evil.so' },
      { DYLD_INSERT_LIBRARIES: '/tmp/evil.dylib' },
      { PATH: '/tmp/evil' },
      { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=1' },
      { MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--inspect' },
      { MALLOC_ARENA_MAX: '2; rm -rf /' },
      { MALLOC_ARENA_MAX: '' },
      { 'MALLOC_ARENA_MAX\u0000LD_PRELOAD': '1' },
    ];
    for (const env of refused) assert.throws(() => t.sup.add({ ...serverSpec('gamma'), env }), BugError, JSON.stringify(env));
    assert.equal(t.sup.status().length, 0);
  });
});
