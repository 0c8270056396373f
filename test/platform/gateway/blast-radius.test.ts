import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from '../../../src/base/contracts/policy.js';
import { BlastRadius } from '../../../src/platform/gateway/blast-radius.js';
import { ManualClock } from '../../mocks/manual-clock.js';

const LIMITS: PolicyLimits = DEFAULT_POLICY_LIMITS;

describe('BlastRadius', () => {
  it('holds the sixth power or snapshot change per endpoint within 10 minutes, naming the limit; the window slides', () => {
    const clock = new ManualClock();
    const b = new BlastRadius(clock);
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(b.check(LIMITS, i % 2 ? 'vsphere_snapshot_create' : 'vsphere_power', 'vc1', 1), [], `call ${i + 1}`);
      b.record(LIMITS, i % 2 ? 'vsphere_snapshot_create' : 'vsphere_power', 'vc1');
      clock.advance(60_000);
    }
    const hits = b.check(LIMITS, 'vsphere_power', 'vc1', 1);
    assert.deepEqual(hits.map((h) => [h.kind, h.message]), [['rate', "limit 'power or snapshot changes' reached: 5 per 10 min on endpoint vc1 (5 already)"]]);
    assert.deepEqual(b.check(LIMITS, 'vsphere_power', 'vc2', 1), [], 'per endpoint');
    assert.deepEqual(b.check(LIMITS, 'vsphere_list_vms', 'vc1', 1), [], 'reads are not counted');
    clock.advance(5 * 60_000 + 1); // the first call is now more than 10 minutes old
    assert.deepEqual(b.check(LIMITS, 'vsphere_power', 'vc1', 1), []);
  });

  it('holds a call whose plan targets more objects than allowed', () => {
    const b = new BlastRadius(new ManualClock());
    assert.deepEqual(b.check(LIMITS, 'p6_call', 'p6a', 20), []);
    assert.deepEqual(b.check(LIMITS, 'p6_call', 'p6a', 21).map((h) => h.message), ["limit 'objects per call' reached: this call targets 21 objects, more than 20"]);
  });

  it('opens the breaker after repeated upstream failures on an endpoint, for the cool-down; a success resets the count', () => {
    const clock = new ManualClock();
    const b = new BlastRadius(clock);
    for (let i = 0; i < 4; i++) b.outcome('vc1', true);
    b.outcome('vc1', false);
    for (let i = 0; i < 4; i++) b.outcome('vc1', true);
    assert.deepEqual(b.check(LIMITS, 'vsphere_list_vms', 'vc1', 0), [], 'four in a row since the last success');
    b.outcome('vc1', true);
    assert.deepEqual(b.check(LIMITS, 'vsphere_list_vms', 'vc1', 0).map((h) => h.message), ['breaker open on endpoint vc1: 5 upstream failures in a row; it closes in 60 s']);
    assert.deepEqual(b.check(LIMITS, 'vsphere_list_vms', 'vc2', 0), []);
    clock.advance(60_000);
    assert.deepEqual(b.check(LIMITS, 'vsphere_list_vms', 'vc1', 0), [], 'closed after the cool-down');
  });
});
