import type { Disposable } from './lifecycle/disposable.js';

/** The time a Coalescer needs; the platform's `Clock` (and the tests' ManualClock) fit it. */
export interface CoalescerClock {
  now(): number;
  /** Run `fn` once after `ms`; disposing cancels it. */
  setTimer(ms: number, fn: () => void): Disposable;
}

/** What a Coalescer hands to its writer: one item and the events it stands for. */
export interface CoalescedCount<T> {
  /** The item of the first event counted (a later one under the same key replaces it only once this count is written). */
  readonly item: T;
  /** Events counted and not yet written. */
  readonly count: number;
  /** Clock time of the first of them. */
  readonly since: number;
  /** Clock time of the last of them. */
  readonly last: number;
}

/** How a Coalescer is built. */
export interface CoalescerOptions<T> {
  readonly clock: CoalescerClock;
  /** At most one summary per key per interval. */
  readonly intervalMs: number;
  /** Keys tracked at once; an item with a new key past this many is `fold`ed (so its key should be one shared by all folded items). */
  readonly maxKeys: number;
  /** The key an item is counted under. */
  readonly keyOf: (item: T) => string;
  /** The item a new key is replaced with once `maxKeys` are tracked (`source: 'other'`). */
  readonly fold: (item: T) => T;
  /**
   * Write one count; false when the sink had no room (the count is kept and written at a
   * later tick instead). A throw is handed to `onError` and the count is kept.
   */
  readonly write: (count: CoalescedCount<T>) => boolean;
  readonly onError: (error: unknown) => void;
  /**
   * true (the default): the first event of a key in an interval is written at once, with
   * count 1. false: the caller has already written that one in full (a changed grant), and
   * the coalescer writes only the summary at the end of the interval.
   */
  readonly leading?: boolean;
}

interface Tally<T> {
  item: T;
  pending: number;
  since: number;
  last: number;
  /** A record for this key went out in the current interval; later ones wait for the summary. */
  reported: boolean;
}

/**
 * Counts events that can come in floods and writes about one record per key per interval
 * (issue 10 item 4; D47): the HTTP door's refusals (RefusalCoalescer), calls that waited at
 * a child (QueuedCallsAudit), repeated token grants and refusals in a deny's cool-down
 * (broker). Keys are bounded by `maxKeys`, so records are bounded by keys times intervals
 * however many events arrive. A key quiet for a whole interval is forgotten.
 */
export class Coalescer<T> implements Disposable {
  private readonly tallies = new Map<string, Tally<T>>();
  private timer: Disposable | undefined;
  private disposed = false;

  constructor(private readonly options: CoalescerOptions<T>) {}

  /** Count one event. */
  record(item: T): void {
    // After dispose the sink may be closed: the owner is answering its last requests.
    if (this.disposed) return;
    const { keyOf, clock } = this.options;
    let key = keyOf(item);
    let tally = this.tallies.get(key);
    if (!tally && this.tallies.size >= this.options.maxKeys) {
      // Security: keys chosen by a peer (addresses, client names) must not mean many records.
      item = this.options.fold(item);
      key = keyOf(item);
      tally = this.tallies.get(key);
    }
    const now = clock.now();
    if (!tally) {
      tally = { item, pending: 0, since: now, last: now, reported: this.options.leading === false };
      this.tallies.set(key, tally);
    }
    if (tally.pending === 0) {
      tally.since = now;
      tally.item = item;
    }
    tally.pending += 1;
    tally.last = now;
    if (!tally.reported) {
      tally.reported = true;
      this.write(tally);
    }
    this.timer ??= clock.setTimer(this.options.intervalMs, () => this.tick());
  }

  /** Write what `key` has pending now and forget it, so its next event starts afresh (something changed). */
  forget(key: string): void {
    const tally = this.tallies.get(key);
    if (!tally) return;
    if (tally.pending > 0) this.write(tally);
    // A count the sink had no room for stays, to go out with a later summary.
    if (tally.pending === 0) this.tallies.delete(key);
  }

  /** Write every pending count now (the owner is closing). */
  flush(): void {
    for (const tally of this.tallies.values()) if (tally.pending > 0) this.write(tally);
    this.tallies.clear();
    this.timer?.dispose();
    this.timer = undefined;
  }

  /** Write what is pending; later events are no longer counted. */
  dispose(): void {
    this.flush();
    this.disposed = true;
  }

  /** End of an interval: a summary per key with events pending; keys quiet for a whole interval are forgotten. */
  private tick(): void {
    this.timer = undefined;
    for (const [key, tally] of this.tallies) {
      if (tally.pending === 0) this.tallies.delete(key);
      else this.write(tally);
    }
    if (this.tallies.size > 0) this.timer = this.options.clock.setTimer(this.options.intervalMs, () => this.tick());
  }

  private write(tally: Tally<T>): void {
    try {
      if (this.options.write({ item: tally.item, count: tally.pending, since: tally.since, last: tally.last })) tally.pending = 0;
    } catch (e) {
      this.options.onError(e);
    }
  }
}
