/** A Date's range either side of 1970 (ECMAScript's TimeClip). */
const MAX_TIME_MS = 8.64e15;

/**
 * `new Date(ms).toISOString()` for an audit record's `ts`, formatted in full only when the second
 * changes (E1-gwspeed). V8's toISOString formats through `vsnprintf`: ~7,600 instructions per
 * record (callgrind, bench:gateway's echo, 4 % of the host's per-call work); records of the same
 * second share everything up to the milliseconds, which are three digits and a `Z` in every form
 * toISOString writes (four-digit and signed six-digit years alike).
 */
export class IsoTimestamps {
  /** The whole second (ms / 1000, rounded down) the prefix below is for. */
  private second = NaN;
  /** toISOString of that second without its `mmmZ`: `2026-12-07T22:52:38.` */
  // Stryker disable next-line StringLiteral: equivalent; never read before the first format sets it (second starts NaN).
  private prefix = '';

  /** The same string as `new Date(ms).toISOString()`, and the same RangeError for an invalid time. */
  format(time: number): string {
    // A Date keeps whole milliseconds, cut toward zero (TimeClip): 1.5 is 1, -1.5 is -1.
    const ms = Math.trunc(time);
    const second = Math.floor(ms / 1000);
    // NaN never equals itself, and a time past a Date's range (±8.64e15 ms) may share the last
    // valid one's second: both take toISOString, which throws as before.
    if (second !== this.second || !(Math.abs(ms) <= MAX_TIME_MS)) {
      const full = new Date(time).toISOString();
      this.second = second;
      this.prefix = full.slice(0, -4);
      return full;
    }
    const milli = ms - second * 1000;
    return `${this.prefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  }
}
