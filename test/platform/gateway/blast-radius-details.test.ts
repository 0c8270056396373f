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
    for (let i = 0; i < ONE_DELETE_PER_90S.breaker.failures; i++) b.outcome('vc1', true);
    const hits = b.check(ONE_DELETE_PER_90S, 'vsphere_snapshot_delete', 'vc1', ONE_DELETE_PER_90S.maxObjectsPerCall + 1);
    assert.deepEqual(hits.map((h) => h.kind), ['rate', 'objects', 'breaker']);
  });

  // E7-redteam: counts are by what a rate counts (its tools and window), never by its name.
  it('a rate of the same name with a one-second window does not empty another\'s count', () => {
    const clock = new ManualClock();
    const b = new BlastRadius(clock);
    const tenMinutes = { name: 'destroys', tools: ['destroy'], max: 2, windowSeconds: 600 };
    const limits = { ...ONE_DELETE_PER_90S, rates: [{ ...tenMinutes, max: 100_000, windowSeconds: 1 }, tenMinutes] };
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(b.check(limits, 'destroy', 'vc1', 1), [], `call ${i + 1} is within both rates`);
      b.record(limits, 'destroy', 'vc1');
      clock.advance(2_000);
    }
    assert.deepEqual(b.check(limits, 'destroy', 'vc1', 1).map((h) => h.message), ["limit 'destroys' reached: 2 per 10 min on endpoint vc1 (2 already)"], 'the 10-minute count kept both calls');
  });

  it('counts a call once for two rates that count the same tools in the same window, whatever their names', () => {
    const b = new BlastRadius(new ManualClock());
    const limits = { ...ONE_DELETE_PER_90S, rates: [{ name: 'a', tools: ['destroy', 'wipe'], max: 2, windowSeconds: 60 }, { name: 'b', tools: ['wipe', 'destroy'], max: 5, windowSeconds: 60 }] };
    b.record(limits, 'destroy', 'vc1');
    assert.deepEqual(b.check(limits, 'destroy', 'vc1', 1), [], 'one call counted once, not twice');
    b.record(limits, 'wipe', 'vc1');
    assert.deepEqual(b.check(limits, 'destroy', 'vc1', 1).map((h) => h.message), ["limit 'a' reached: 2 per 1 min on endpoint vc1 (2 already)"], 'both rates read the one count');
  });
});

// D282: the state is facts, so the limits a person confirmed are checked right
// while config.json's looser ones are also in use.
describe('BlastRadius with two sets of limits (D282)', () => {
  const rate = (windowSeconds: number, tools = ['*_delete']): PolicyLimits => ({ ...DEFAULT_POLICY_LIMITS, rates: [{ name: 'deletes', tools, max: 1, windowSeconds }] });

  it('a call recorded under a short window and a long one is still counted by the long one after the short one ends', () => {
    const clock = new ManualClock();
    const b = new BlastRadius(clock);
    b.record([rate(1), rate(600)], 'vsphere_snapshot_delete', 'vc1');
    clock.advance(2_000);
    b.record([rate(1), rate(600)], 'other_tool', 'vc1');
    assert.deepEqual(b.check(rate(1), 'vsphere_snapshot_delete', 'vc1', 1), [], 'past the short window');
    assert.equal(b.check(rate(600), 'vsphere_snapshot_delete', 'vc1', 1).length, 1, 'the long window still counts it');
    assert.equal(b.check(rate(1), 'vsphere_snapshot_delete', 'vc1', 1).length + b.check(rate(600), 'vsphere_snapshot_delete', 'vc1', 1).length, 1, 'checking the short one forgot nothing');
  });

  it('a call recorded only under the short window is forgotten once that window ends, at its next record', () => {
    const clock = new ManualClock();
    const b = new BlastRadius(clock);
    b.record(rate(1), 'vsphere_snapshot_delete', 'vc1');
    clock.advance(1_000);
    b.record(rate(1), 'vsphere_snapshot_delete', 'vc1');
    assert.match(b.check(rate(600), 'vsphere_snapshot_delete', 'vc1', 1)[0]?.message ?? '', /\(1 already\)/, 'only the second call is kept');
  });

  it('a rate counts the calls of every tool it names now, whichever rate recorded them', () => {
    const b = new BlastRadius(new ManualClock());
    b.record(rate(600, ['vsphere_power']), 'vsphere_power', 'vc1');
    assert.equal(b.check(rate(600, ['vsphere_power', '*_delete']), 'vsphere_snapshot_delete', 'vc1', 1).length, 1, 'the power call counts for the widened rate');
    assert.deepEqual(b.check(rate(600), 'vsphere_snapshot_delete', 'vc1', 1), [], 'not for a rate that does not name it');
    assert.deepEqual(b.check(rate(600), 'vsphere_snapshot_delete', 'vc2', 1), [], 'nor on another endpoint');
  });

  it('the breaker opens at the failures and for the cool-down of the limits checked, not of those in force when the failures happened', () => {
    const clock = new ManualClock();
    const b = new BlastRadius(clock);
    const breaker = (failures: number, coolDownSeconds: number): PolicyLimits => ({ ...DEFAULT_POLICY_LIMITS, breaker: { failures, coolDownSeconds } });
    b.outcome('vc1', true);
    b.outcome('vc1', true);
    assert.deepEqual(b.check(breaker(1000, 60), 'x', 'vc1', 0), [], 'closed under 1000 failures');
    assert.deepEqual(b.check(breaker(2, 600), 'x', 'vc1', 0).map((h) => h.message), ['breaker open on endpoint vc1: 2 upstream failures in a row; it closes in 600 s']);
    assert.deepEqual(b.check(breaker(3, 600), 'x', 'vc1', 0), [], 'closed under 3 failures');
    clock.advance(60_000);
    assert.deepEqual(b.check(breaker(2, 60), 'x', 'vc1', 0), [], 'a 60 s cool-down from the last failure is over');
    assert.equal(b.check(breaker(2, 600), 'x', 'vc1', 0).length, 1, 'a 600 s one is not');
  });
});
