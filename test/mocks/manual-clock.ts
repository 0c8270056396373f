import type { Clock } from '../../src/platform/ports/clock.js';
import { toDisposable } from '../../src/base/lifecycle/disposable.js';

/** A Clock that only moves when the test says so; timers fire in due order on `advance`. */
export class ManualClock implements Clock {
  private timers: { due: number; fn: () => void; seq: number }[] = [];
  private seq = 0;
  /** How far `jump` has stepped the wall clock in all: what monotonic time leaves out. */
  private stepped = 0;

  constructor(private t = Date.UTC(2026, 10, 24, 10, 0, 0)) {}

  now(): number {
    return this.t;
  }

  /** Monotonic time: moved by `advance`, never by `jump` (a step of the wall clock only). */
  monotonicNow(): number {
    return this.t - this.stepped;
  }

  setTimer(ms: number, fn: () => void) {
    const timer = { due: this.t + ms, fn, seq: this.seq++ };
    this.timers.push(timer);
    return toDisposable(() => {
      this.timers = this.timers.filter((x) => x !== timer);
    });
  }

  /** Move time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => x.due <= end).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.due); // Overdue after a jump: fire now, never move back.
      next.fn();
    }
    this.t = end;
  }

  /**
   * Step the wall clock by `ms` (negative: backwards) WITHOUT firing any timer, as after a
   * sleep/wake or an NTP correction: the timers that fell due only fire on the next
   * `advance`. Proves that expiry is also checked lazily, on use, not only by a timer.
   */
  jump(ms: number): void {
    this.t += ms;
    this.stepped += ms;
  }

  /** Timers still armed; tests use it to prove nothing leaked. */
  get pendingTimers(): number {
    return this.timers.length;
  }
}
