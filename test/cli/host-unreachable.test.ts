// "Not running" is said only when no host holds the home: a live process holding host.lock
// while nothing answers on the control socket (a host starting or stopping, one started with
// another XDG_RUNTIME_DIR) is named instead, so the CLI never sends the user to
// `keybroker serve` only to be told "already running" (D153).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlSocketPath } from '../../src/platform/control/control-socket-path.js';
import { runIn } from './harness.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-cli-unreach-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A home whose host.lock names `pid`, with no control socket. */
function homeLockedBy(pid: number): string {
  const home = path.join(root, `home-${n++}`);
  fs.mkdirSync(home, { mode: 0o700 });
  fs.writeFileSync(path.join(home, 'host.lock'), `${pid}\n`);
  return home;
}

describe('a host that holds the home but does not answer', () => {
  it('is named with its pid and lock instead of "not running; start it", exit 1', async () => {
    const home = homeLockedBy(process.ppid); // A live process that is not this one.
    const lock = path.join(home, 'host.lock');
    const expected = `KeyBroker (pid ${process.ppid}, lock ${lock}) does not answer on ${controlSocketPath(home, { KEYBROKER_HOME: home })}: it is starting or stopping, or runs with another XDG_RUNTIME_DIR; retry in a moment or with the host's environment, and if no KeyBroker runs, delete ${lock}`;
    for (const [argv, command] of [[['approvals'], 'approvals'], [['lock'], 'lock'], [['approve', 'abcdef12'], 'approve']] as const) {
      const r = await runIn(home, [...argv]);
      assert.deepEqual(r, { code: 1, stdout: '', stderr: `keybroker ${command}: ${expected}\n` }, argv.join(' '));
    }
    // call and tools reach the gateway socket, and say the same of it.
    const gateway = (await runIn(home, ['tools', 'vsphere'])).stderr;
    assert.match(gateway, new RegExp(`^keybroker tools: KeyBroker \\(pid ${process.ppid}, lock .*\\) does not answer on .*gateway`));
    // status still shows config.json's view (it works without a host), with the warning.
    const r = await runIn(home, ['status', '--json']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, `keybroker status: warning: ${expected}\n`);
    assert.equal(JSON.parse(r.stdout).host.running, false);
    // Its human form neither says "every endpoint is locked" (that host may hold unlocks) nor "start it".
    const human = await runIn(home, ['status']);
    assert.equal(human.stdout.split('\n')[0], `KeyBroker does not answer (see the warning above); home ${home}. This is config.json's view`);
    assert.equal(/locked|start it/.test(human.stdout.split('\n')[0]!), false);
  });

  it('says "not running" as before when the lock is stale or absent', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // Reaped: no process has this pid now.
    for (const home of [homeLockedBy(dead), path.join(root, 'no-lock')]) {
      const r = await runIn(home, ['approvals']);
      assert.deepEqual(r, { code: 1, stdout: '', stderr: 'keybroker approvals: KeyBroker is not running; start it with `keybroker serve` (or the menu-bar app)\n' });
      assert.equal((await runIn(home, ['status'])).stderr, '');
    }
  });
});
