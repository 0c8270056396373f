// Stopping a child in the middle of its start (issue 17 round 3, "fixes"): a Host.stop()
// right after Host.start() hung a test while an always-on child was still loading. Cause: in
// the bubblewrap sandbox node is pid 1 of its own namespace, and a pid-1 node that has not
// yet installed a SIGTERM handler drops SIGTERM (its own default handler re-raises it, which
// the kernel ignores for a namespace's init), so the stop waited out the whole grace period.
// Each case is driven by events (a child that loads until told, a stop fired from the start
// event), never by sleeping; every wait has a guard that fails the test instead of hanging.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import { detectSandbox } from '../../../src/platform/supervisor/sandbox/detect-sandbox.js';
import { noSandbox } from '../../../src/platform/supervisor/sandbox/sandbox.js';
import type { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import type { Launcher } from '../../../src/platform/supervisor/launcher.js';
import { childProcessesNamed, killChildProcessesNamed } from '../../support/child-processes.js';
import { until } from '../../support/wait.js';
import { cleanupSupervisors, guard, isGone, makeSupervisor, next, serverSpec } from './supervisor-harness.js';

/** Server names of this file, unique to this run: /proc is searched for their processes. */
const used: string[] = [];
let named = 0;
const unique = (name: string) => {
  const n = `${name}-${process.pid}-${named++}`;
  used.push(n);
  return n;
};
afterEach(async () => {
  await cleanupSupervisors();
  // A planted-bug run may leave an orphaned sandboxed node holding this process's pipes.
  for (const n of used.splice(0)) killChildProcessesNamed(n);
});

const sandbox = detectSandbox();
const noBwrap = sandbox.isolation !== 'bubblewrap' && 'needs bubblewrap (Linux): the pid-1 namespace is what drops the SIGTERM';
/** Far above any honest stop: a stop that needs the grace period to end is a hang here. */
const NO_GRACE = { stopGraceMs: 3_600_000 };

/**
 * `stop(name)` under the hang guard. On a hang (a planted-bug run) the child's process is
 * SIGKILLed afterwards, so the after-each stop ends too instead of waiting out the grace.
 */
async function guardedStop(t: ReturnType<typeof makeSupervisor>, name: string, handle: ChildProcessHandle, what: string): Promise<void> {
  try {
    await guard(what, t.sup.stop(name));
  } finally {
    if (handle.pid !== undefined && !isGone(handle.pid)) process.kill(handle.pid, 'SIGKILL');
  }
}

const launchers: [string, () => Launcher][] = [
  ['no sandbox', () => new NodeLauncher({ sandbox: noSandbox('supervisor stop-race test') })],
  ['bubblewrap', () => new NodeLauncher({ sandbox })],
];

describe('Supervisor stop while a child is still loading (sandboxed, before its first frame)', () => {
  it('ends it at once with SIGKILL, audited as an intended stop, not after the grace period', { skip: noBwrap }, async () => {
    const t = makeSupervisor({ launcher: new NodeLauncher({ sandbox }), policy: NO_GRACE });
    const started = next(t.sup.onDidStart, 'start of loading');
    t.sup.add(serverSpec('loading', ['--gated']));
    const { handle } = await started;
    // Past bwrap's set-up: node runs (its pid known from --info-fd long before), nothing said yet.
    await t.logs.wait('the loading line', (l) => l === `[loading ${handle.pid}] loading`);
    const exited = next(t.sup.onDidExit, 'exit of loading');
    await guardedStop(t, 'loading', handle, 'stop of a child still loading (SIGTERM dropped by a pid-1 node?)');
    const exit = await exited;
    // Killed: bwrap either dies of our SIGKILL too or first reports node's death as 128 + 9.
    assert.ok(exit.exit.signal === 'SIGKILL' || exit.exit.code === 137, JSON.stringify(exit.exit));
    assert.equal(exit.exit.expected, true);
    assert.equal(exit.willRestart, false);
    assert.deepEqual(t.sup.status().map((s) => s.state), ['stopped']);
    assert.deepEqual(t.audit.items.at(-1), { event: 'child.exited', outcome: 'ok', pid: handle.pid, reason: `stopped (${exit.exit.signal ? 'killed by SIGKILL' : 'exit code 137'})`, server: 'loading' });
    assert.equal(t.clock.pendingTimers, 0);
  });

  it('once it has spoken (its SIGTERM handler is in place) it still gets SIGTERM and shuts down cleanly', { skip: noBwrap }, async () => {
    const t = makeSupervisor({ launcher: new NodeLauncher({ sandbox }), policy: NO_GRACE });
    const started = next(t.sup.onDidStart, 'start of gated');
    t.sup.add(serverSpec('gated', ['--gated']));
    const { handle } = await started;
    await t.logs.wait('the loading line', (l) => l === `[gated ${handle.pid}] loading`);
    handle.send({ cmd: 'go' });
    await t.ready(handle);
    const exited = next(t.sup.onDidExit, 'exit of gated');
    await guard('stop of a ready child', t.sup.stop('gated'));
    const exit = await exited;
    // Its own handler ended it (exit 0): a clean stop, not a kill.
    assert.deepEqual([exit.exit.code, exit.exit.signal, exit.exit.expected], [0, null, true]);
  });
});

for (const [label, launcher] of launchers) {
  describe(`Supervisor stop during a start (${label})`, { skip: label === 'bubblewrap' && noBwrap }, () => {
    it('a stop fired from the start event (spawned, nothing said yet) ends the child, leaves no process of it behind, and nothing restarts it', async () => {
      const t = makeSupervisor({ launcher: launcher(), policy: NO_GRACE });
      const name = unique('spawned');
      let stopped: Promise<void> | undefined;
      let starts = 0;
      t.sup.onDidStart(() => {
        starts++;
        stopped ??= t.sup.stop(name);
      });
      const exited = next(t.sup.onDidExit, 'exit of the child');
      t.sup.add(serverSpec(name, ['--gated']));
      assert.ok(stopped, 'the start event fired during add()');
      await guard('stop fired from the start event', stopped);
      const exit = await exited;
      assert.equal(exit.exit.expected, true);
      assert.equal(exit.willRestart, false);
      // Under bubblewrap a signal to bwrap this early orphaned the sandboxed node (alive, holding the pipes).
      await until(`end of every process of ${name}`, () => childProcessesNamed(name).length === 0);
      t.clock.advance(600_000);
      assert.equal(starts, 1);
      assert.equal(t.clock.pendingTimers, 0);
      assert.deepEqual(t.sup.status(), [{ name, kind: 'vsphere', state: 'stopped', restarts: 0 }]);
      assert.equal(t.sup.get(name), undefined);
    });

    it('stopAll() during a restart back-off cancels the restart: no child starts when the back-off would have ended', async () => {
      const t = makeSupervisor({ launcher: launcher(), policy: NO_GRACE });
      await t.add(serverSpec('alpha', ['--sigterm-exits']));
      const crash = await t.crash('alpha');
      assert.equal(crash.willRestart, true);
      assert.equal(t.clock.pendingTimers, 1);
      let starts = 0;
      t.sup.onDidStart(() => starts++);
      await guard('stopAll during the back-off', t.sup.stopAll());
      t.clock.advance(600_000);
      assert.equal(starts, 0);
      assert.equal(t.clock.pendingTimers, 0);
      assert.deepEqual(t.sup.status().map((s) => s.state), ['stopped']);
    });

    it('a stop while the restarted child is still loading ends it too (the back-off timer fired, nothing said yet)', async () => {
      const t = makeSupervisor({ launcher: launcher(), policy: NO_GRACE });
      const first = next(t.sup.onDidStart, 'start of alpha');
      t.sup.add(serverSpec('alpha', ['--gated']));
      const { handle: firstHandle } = await first;
      await t.logs.wait('the first loading line', (l) => l === `[alpha ${firstHandle.pid}] loading`);
      firstHandle.send({ cmd: 'go' });
      await t.ready(firstHandle);
      await t.crash('alpha');
      const restarted = next(t.sup.onDidStart, 'restart of alpha');
      t.clock.advance(t.clock.delays.at(-1) ?? 0);
      const { handle, restart } = await restarted;
      assert.equal(restart, true);
      await t.logs.wait('the restarted loading line', (l) => l === `[alpha ${handle.pid}] loading`);
      const exited = next(t.sup.onDidExit, 'exit of the restarted alpha');
      await guardedStop(t, 'alpha', handle, 'stop of a restarted child that has not spoken');
      assert.equal((await exited).willRestart, false);
      assert.ok(isGone(handle.pid ?? 0), 'the restarted child is gone');
      assert.equal(t.clock.pendingTimers, 0);
    });

    it('double stop: two stopAll() and a stop(name) at once all resolve after the one exit; one exit audited', async () => {
      const t = makeSupervisor({ launcher: launcher(), policy: NO_GRACE });
      // Like our runtime, it handles SIGTERM before it speaks (a sandboxed pid 1 without a handler ignores it).
      const handle = await t.add(serverSpec('alpha', ['--sigterm-exits']));
      const all = Promise.all([t.sup.stopAll(), t.sup.stopAll(), t.sup.stop('alpha')]);
      await guard('three stops at once', all);
      assert.ok(isGone(handle.pid ?? 0), 'every stop resolved only after the process had exited');
      assert.equal(t.exits.items.length, 1);
      assert.equal(t.audit.items.filter((a) => a.event === 'child.exited').length, 1);
      await guard('a stop after the stop', t.sup.stopAll());
      assert.deepEqual(t.sup.status().map((s) => s.state), ['stopped']);
    });
  });
}
