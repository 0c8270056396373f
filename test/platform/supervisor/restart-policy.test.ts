import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BugError } from '../../../src/base/errors/core-error.js';
import { backoffDelay, DEFAULT_RESTART_POLICY, resolveRestartPolicy } from '../../../src/platform/supervisor/restart-policy.js';

describe('resolveRestartPolicy()', () => {
  it('fills in the defaults: 250 ms doubling to 30 s, 5 crashes in 2 minutes, 5 s grace', () => {
    assert.deepEqual(resolveRestartPolicy(), DEFAULT_RESTART_POLICY);
    assert.deepEqual(resolveRestartPolicy({ stopGraceMs: 100 }), { ...DEFAULT_RESTART_POLICY, stopGraceMs: 100 });
    assert.equal(DEFAULT_RESTART_POLICY.crashLoopCount, 5);
    assert.equal(DEFAULT_RESTART_POLICY.crashLoopWindowMs, 120_000);
  });

  it('refuses a policy that would restart in a tight loop or never', () => {
    for (const bad of [{ baseDelayMs: -1 }, { factor: 0.5 }, { crashLoopCount: 0 }, { crashLoopCount: 1.5 }, { stopGraceMs: Number.NaN }, { baseDelayMs: 500, maxDelayMs: 100 }]) {
      assert.throws(() => resolveRestartPolicy(bad), BugError, JSON.stringify(bad));
    }
  });
});

describe('backoffDelay()', () => {
  it('multiplies by factor per consecutive crash and caps at maxDelayMs', () => {
    const p = resolveRestartPolicy();
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelay(p, n)), [250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('stays at maxDelayMs for a streak long enough to overflow the exponent', () => {
    assert.equal(backoffDelay(resolveRestartPolicy(), 5000), 30_000);
  });
});
