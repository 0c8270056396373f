// E3-tidy: the windows that must last as long as they say (a deny's cool-down, a forced
// re-login's) read monotonic time through monotonicNow; the real clock has one, and the
// ManualClock's moves with `advance` but not with `jump` (a step of the wall clock).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { monotonicNow, systemClock } from '../../../src/platform/ports/clock.js';
import { ManualClock } from '../../mocks/manual-clock.js';

describe('monotonicNow()', () => {
  it('reads the real clock\'s monotonic time (performance.now), not the wall clock', () => {
    const before = performance.now();
    const read = monotonicNow(systemClock);
    assert.ok(read >= before && read <= performance.now(), `performance.now's time, not Date.now's: ${read}`);
  });

  it('moves with the ManualClock\'s advance and not with its jump', () => {
    const clock = new ManualClock();
    const start = monotonicNow(clock);
    clock.jump(-3_600_000);
    assert.equal(monotonicNow(clock), start, 'a step back of the wall clock is no step of monotonic time');
    clock.advance(1_000);
    clock.jump(7_200_000);
    assert.equal(monotonicNow(clock), start + 1_000, 'only the time advanced counts');
    assert.equal(clock.now(), start + 1_000 + 3_600_000, 'while the wall clock took both steps');
  });

  it('is a hand-made clock\'s own time when it has no monotonic one', () => {
    assert.equal(monotonicNow({ now: () => 42 }), 42, 'the clock\'s now');
  });
});
