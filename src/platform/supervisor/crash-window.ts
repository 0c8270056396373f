/**
 * The crashes of one child inside a sliding time window: the supervisor gives up on a child
 * that crashes `crashLoopCount` times within `crashLoopWindowMs` instead of restarting forever.
 */
export class CrashWindow {
  private times: number[] = [];

  constructor(private readonly windowMs: number) {}

  /** Record a crash at `now` and return how many crashes fall inside the window ending at `now`. */
  record(now: number): number {
    this.times.push(now);
    return this.count(now);
  }

  /** Crashes inside the window ending at `now`; older ones are forgotten. */
  count(now: number): number {
    // `> now - windowMs`: a crash exactly one window old has left it.
    this.times = this.times.filter((t) => t > now - this.windowMs);
    return this.times.length;
  }

  /** Forget every crash (a manual restart gives the child a fresh start). */
  clear(): void {
    this.times = [];
  }
}
