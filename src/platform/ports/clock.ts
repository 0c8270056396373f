import { toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';

/**
 * Time as the broker sees it. Injected so TTL expiry can be tested without waiting
 * four hours (test/mocks/manual-clock.ts advances it by hand).
 */
export interface Clock {
  now(): number;
  /** Run `fn` once after `ms`; disposing cancels it. */
  setTimer(ms: number, fn: () => void): Disposable;
  /**
   * Milliseconds on a clock that nothing steps (no NTP correction, no wake with a wrong clock,
   * no person setting the time), for a window that must last as long as it says: read through
   * {@link monotonicNow}. Absent on a clock a test makes by hand, whose `now` nothing steps either.
   */
  monotonicNow?(): number;
}

/** setTimeout clamps delays above 2^31-1 ms to 1 ms; chain shorter timers instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The real clock. Timers are unref'd: a pending TTL must not keep a stopping host alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  setTimer(ms, fn) {
    const due = Date.now() + ms;
    let handle: NodeJS.Timeout;
    const arm = () => {
      const left = due - Date.now();
      handle = setTimeout(left > MAX_TIMER_MS ? arm : fn, Math.min(Math.max(left, 0), MAX_TIMER_MS));
      handle.unref();
    };
    arm();
    return toDisposable(() => clearTimeout(handle));
  },
};

/**
 * Milliseconds from `since` (an earlier `clock.now()`) to now, for an audit record's
 * `durationMs`: never negative. Security (D7-redteam): the clock is the wall clock, which an
 * NTP correction or a wake from sleep steps back; a negative duration broke the audit contract
 * and its record was refused, so an allow the broker had acted on went unrecorded.
 */
export function elapsedMs(clock: Pick<Clock, 'now'>, since: number): number {
  return Math.max(0, clock.now() - since);
}

/**
 * Now on `clock`'s monotonic time (its `monotonicNow`, else its `now`), for the windows a deny's
 * cool-down (D203) and a forced re-login (D214) hold. Security (E3-tidy): on the wall clock a
 * step back made them ask or hold longer than they say, and a step forward (a wake, an NTP
 * correction, a person or program with the right to set the time) ended them early. Only
 * differences of it mean anything; it is never written to a record.
 */
export function monotonicNow(clock: Pick<Clock, 'now' | 'monotonicNow'>): number {
  return clock.monotonicNow?.() ?? clock.now();
}
