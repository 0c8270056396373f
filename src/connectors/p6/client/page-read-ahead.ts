import type { P6Row } from './p6-client-types.js';

/** At most this many walks are read ahead at once: a few concurrent walks, never a growing cache. */
const MAX_ENTRIES = 4;

interface Entry {
  /** The ObjectId list the page was cut from; the page is only valid against the same list. */
  ids: readonly number[];
  at: number;
  rows: Promise<P6Row[] | undefined>;
}

/**
 * The next page of recent paged reads, read while the caller is still busy with the page it
 * got (issue 17 item 4): a walk's next request finds its rows already arrived or arriving.
 * An entry is handed out once, only for the same ObjectId list (so the same total and the
 * same cut), and only within `keepMs`; a failed read-ahead is forgotten and the page is read
 * again on demand, which reports the error. Writes drop every entry ({@link clear}).
 */
export class PageReadAhead {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly keepMs: number, private readonly now: () => number) {}

  /** Start reading the page stored under `key`, cut from `ids`. */
  start(key: string, ids: readonly number[], read: () => Promise<P6Row[]>): void {
    const rows = read().catch(() => undefined);
    this.entries.delete(key);
    this.entries.set(key, { ids, at: this.now(), rows });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The rows read ahead under `key` from this `ids` list, at most once; undefined when there are none to use. */
  async take(key: string, ids: readonly number[]): Promise<P6Row[] | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.ids !== ids || this.now() - entry.at >= this.keepMs) return undefined;
    return entry.rows;
  }

  /** Forget every page read ahead (after a write, the rows may have changed). */
  clear(): void {
    this.entries.clear();
  }
}
