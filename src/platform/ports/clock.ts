import { toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';

/**
 * Time as the broker sees it. Injected so TTL expiry can be tested without waiting
 * four hours (test/mocks/manual-clock.ts advances it by hand).
 */
export interface Clock {
  now(): number;
  /** Run `fn` once after `ms`; disposing cancels it. */
  setTimer(ms: number, fn: () => void): Disposable;
}

/** setTimeout clamps delays above 2^31-1 ms to 1 ms; chain shorter timers instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The real clock. Timers are unref'd: a pending TTL must not keep a stopping host alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
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
