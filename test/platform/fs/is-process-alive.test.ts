// Whose lock or temp file is stale rests on this probe (D13, D176/2): a process that
// exists, also one of another user (EPERM), is alive; only "no such process" is dead.
import { describe, it, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { isProcessAlive } from '../../../src/platform/fs/is-process-alive.js';

describe('isProcessAlive()', () => {
  afterEach(() => mock.restoreAll());

  it('is true for a running process and false for one that ended and was reaped', () => {
    assert.equal(isProcessAlive(process.pid), true);
    assert.equal(isProcessAlive(spawnSync(process.execPath, ['-e', '']).pid!), false);
  });

  it('probes with signal 0, and counts another user\'s process (EPERM) as alive and only ESRCH as gone', () => {
    const probes: unknown[][] = [];
    let code = 'EPERM';
    mock.method(process, 'kill', (...args: unknown[]) => {
      probes.push(args);
      throw Object.assign(new Error(code), { code });
    });
    assert.equal(isProcessAlive(4242), true);
    code = 'ESRCH';
    assert.equal(isProcessAlive(4242), false);
    assert.deepEqual(probes, [[4242, 0], [4242, 0]]);
  });
});
