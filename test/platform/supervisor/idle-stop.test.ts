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

  it('arms one timer per idle period, not one per call (issue 17, round 10)', () => {
    const t = make();
    let armed = 0;
    const clock = { now: () => t.clock.now(), setTimer: (ms: number, fn: () => void) => { armed++; return t.clock.setTimer(ms, fn); } };
    const idle = new IdleStop({ clock, idleMs: 1000, park: (s) => t.parked.push(s) });
    for (let i = 0; i < 500; i++) {
      t.clock.advance(1);
      idle.busy('vsphere').dispose();
    }
    assert.equal(armed, 1, 'five hundred sequential calls within one idle period arm one timer');
    assert.equal(t.clock.pendingTimers, 1, 'and leave one armed');
    t.clock.advance(999);
    assert.deepEqual(t.parked, [], 'the last call ended 999 ms ago: not yet idle');
    t.clock.advance(1);
    assert.deepEqual(t.parked, ['vsphere'], 'stopped idleMs after the last call ended');
    assert.equal(armed, 2, 'the first timer waited out the rest of the period once');
    assert.equal(t.clock.pendingTimers, 0, 'no timer left behind');
  });

  it('a timer that fires while a call is in flight does nothing; that call\'s end starts the period', () => {
    const t = make();
    t.idle.busy('p6').dispose();
    const held = t.idle.busy('p6');
    t.clock.advance(5000);
    assert.deepEqual(t.parked, [], 'a call is in flight');
    assert.equal(t.clock.pendingTimers, 0, 'nothing armed while the call runs');
    held.dispose();
    t.clock.advance(999);
    assert.deepEqual(t.parked, [], 'not yet idle');
    t.clock.advance(1);
    assert.deepEqual(t.parked, ['p6'], 'idleMs after the call ended');
  });

  it('a wall clock stepped back starts the idle period again instead of stretching it', () => {
    // Timers run on their own time (as setTimeout does), the wall clock is stepped under them.
    const timers = new ManualClock();
    let step = 0;
    const parked: string[] = [];
    const idle = new IdleStop({ clock: { now: () => timers.now() + step, setTimer: (ms, fn) => timers.setTimer(ms, fn) }, idleMs: 1000, park: (s) => parked.push(s) });
    idle.busy('vsphere').dispose();
    step = -60_000;
    timers.advance(1000);
    assert.deepEqual(parked, [], 'the step back restarted the period');
    timers.advance(1000);
    assert.deepEqual(parked, ['vsphere'], 'stopped one idle period after the step, not a minute later');
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
