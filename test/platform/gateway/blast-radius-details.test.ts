// Blast-radius details that mutation testing showed unguarded (issue 12, docs/TESTING.md):
// the exact end of a rate window, which calls a rate counts, the kind of each hit, and how a
// window that is not whole minutes is named.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from '../../../src/base/contracts/policy.js';
import { BlastRadius } from '../../../src/platform/gateway/blast-radius.js';
import { ManualClock } from '../../mocks/manual-clock.js';

const ONE_DELETE_PER_90S: PolicyLimits = { ...DEFAULT_POLICY_LIMITS, rates: [{ name: 'deletes', tools: ['*_delete'], max: 1, windowSeconds: 90 }] };

describe('BlastRadius details', () => {
  it('a counted call stops counting exactly when it is one window old', () => {
    const clock = new ManualClock();
    const b = new BlastRadius(clock);
    b.record(ONE_DELETE_PER_90S, 'vsphere_snapshot_delete', 'vc1');
    clock.advance(90_000 - 1);
    assert.equal(b.check(ONE_DELETE_PER_90S, 'vsphere_snapshot_delete', 'vc1', 1).length, 1, 'one millisecond before the window ends');
    clock.advance(1);
    assert.deepEqual(b.check(ONE_DELETE_PER_90S, 'vsphere_snapshot_delete', 'vc1', 1), []);
  });

  it('names a window that is not whole minutes in seconds', () => {
    const b = new BlastRadius(new ManualClock());
    b.record(ONE_DELETE_PER_90S, 'vsphere_snapshot_delete', 'vc1');
    assert.deepEqual(b.check(ONE_DELETE_PER_90S, 'vsphere_snapshot_delete', 'vc1', 1), [
      { kind: 'rate', message: "limit 'deletes' reached: 1 per 90 s on endpoint vc1 (1 already)" },
    ]);
  });

  it('counts only the calls of the tools a rate names', () => {
    const b = new BlastRadius(new ManualClock());
    for (let i = 0; i < 3; i++) b.record(ONE_DELETE_PER_90S, 'vsphere_list_vms', 'vc1');
    b.record(ONE_DELETE_PER_90S, 'vsphere_power', 'vc1');
    assert.deepEqual(b.check(ONE_DELETE_PER_90S, 'vsphere_snapshot_delete', 'vc1', 1), []);
  });

  it('reports each limit a call hits with its kind', () => {
    const clock = new ManualClock();
    const b = new BlastRadius(clock);
    b.record(ONE_DELETE_PER_90S, 'vsphere_snapshot_delete', 'vc1');
    for (let i = 0; i < ONE_DELETE_PER_90S.breaker.failures; i++) b.outcome(ONE_DELETE_PER_90S, 'vc1', true);
    const hits = b.check(ONE_DELETE_PER_90S, 'vsphere_snapshot_delete', 'vc1', ONE_DELETE_PER_90S.maxObjectsPerCall + 1);
    assert.deepEqual(hits.map((h) => h.kind), ['rate', 'objects', 'breaker']);
  });
});
