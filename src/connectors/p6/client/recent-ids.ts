/** At most this many paged reads are remembered: a few concurrent walks, never a growing cache. */
const MAX_ENTRIES = 8;

/**
 * The ObjectIds of recent paged reads, by resource and filter. A walk of 50,000 rows would
 * otherwise re-read all 50,000 ids for every page. Only continuing pages use this; a first
 * page always reads fresh. Rows are not kept: a walk's next page is read ahead once and
 * handed out once (PageReadAhead), never reused.
 */
export class RecentIds {
  private readonly entries = new Map<string, { ids: number[]; at: number }>();

  constructor(private readonly reuseMs: number, private readonly now: () => number) {}

  /** The ids stored under `key` if younger than `reuseMs`. */
  get(key: string): number[] | undefined {
    const entry = this.entries.get(key);
    return entry && this.now() - entry.at < this.reuseMs ? entry.ids : undefined;
  }

  /** Remember `ids` under `key` as the newest entry, dropping the oldest beyond the cap. */
  set(key: string, ids: number[]): void {
    this.entries.delete(key);
    this.entries.set(key, { ids, at: this.now() });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}
