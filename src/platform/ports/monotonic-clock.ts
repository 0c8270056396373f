import { toDisposable } from '../../base/lifecycle/disposable.js';
import type { Clock } from './clock.js';

/**
 * Monotonic time (`performance.now()`), for bounds measured in elapsed time: a wall clock stepped
 * forward (NTP, a manual change) must not end anything early, nor one stepped back late. Its
 * timers are unref'd: a pending bound must not keep a stopping host alive.
 */
export const monotonicClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return toDisposable(() => clearTimeout(timer));
  },
};
