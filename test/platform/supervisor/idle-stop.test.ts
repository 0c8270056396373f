// Issue 17 item 5: a child is stopped after an idle period with no call in flight; driven by a
// ManualClock and the explicit sweep(), never by sleeping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdleStop } from '../../../src/platform/supervisor/idle-stop.js';
import { ManualClock } from '../../mocks/manual-clock.js';

function make(idleMs = 1000) {
  const clock = new ManualClock();
  const parked: string[] = [];
  const idle = new IdleStop({ clock, idleMs, park: (s) => parked.push(s) });
  return { clock, parked, idle };
}

describe('IdleStop (issue 17)', () => {
  it('stops a server idleMs after its last call ended, not before', () => {
    const t = make();
    t.idle.busy('vsphere').dispose();
    t.clock.advance(999);
    assert.deepEqual(t.parked, []);
    t.clock.advance(1);
    assert.deepEqual(t.parked, ['vsphere']);
  });

  it('never stops a server while a call is in flight, however long it takes', () => {
    const t = make();
    const a = t.idle.busy('p6');
    const b = t.idle.busy('p6');
    t.clock.advance(10_000);
    a.dispose();
    a.dispose(); // ending twice counts once
    t.clock.advance(10_000);
    assert.deepEqual(t.parked, [], 'one call is still in flight');
    b.dispose();
    t.clock.advance(1000);
    assert.deepEqual(t.parked, ['p6']);
  });

  it('a new call or a touch starts the idle period again', () => {
    const t = make();
    t.idle.busy('vsphere').dispose();
    t.clock.advance(800);
    t.idle.busy('vsphere').dispose();
    t.clock.advance(800);
    t.idle.touch('vsphere');
    t.clock.advance(800);
    assert.deepEqual(t.parked, []);
    t.clock.advance(200);
    assert.deepEqual(t.parked, ['vsphere']);
  });

  it('sweep() stops every server with no call in flight at once, and only those', () => {
    const t = make();
    t.idle.touch('vsphere');
    const held = t.idle.busy('p6');
    assert.deepEqual(t.idle.sweep(), ['vsphere']);
    assert.deepEqual(t.parked, ['vsphere']);
    t.clock.advance(5000);
    assert.deepEqual(t.parked, ['vsphere'], 'the swept timer does not fire again');
    held.dispose();
    t.clock.advance(1000);
    assert.deepEqual(t.parked, ['vsphere', 'p6']);
  });

  it('after dispose nothing is stopped', () => {
    const t = make();
    const held = t.idle.busy('vsphere');
    t.idle.dispose();
    held.dispose();
    t.clock.advance(5000);
    assert.deepEqual(t.parked, []);
  });
});
