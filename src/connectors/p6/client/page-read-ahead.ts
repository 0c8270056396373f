import type { P6Row } from './p6-client-types.js';

/** At most this many walks are read ahead at once: a few concurrent walks, never a growing cache. */
const MAX_ENTRIES = 4;

interface Entry {
  /** The ObjectId list the page was cut from; the page is only valid against the same list. */
  ids: readonly number[];
  at: number;
  rows: Promise<P6Row[] | undefined>;
  /** Ends the read: its taker was cancelled, and nobody else may have it. */
  abort: AbortController;
}

/**
 * The next page of recent paged reads, read while the caller is still busy with the page it
 * got (issue 17 item 4): a walk's next request finds its rows already arrived or arriving.
 * An entry is handed out once, only for the same ObjectId list (so the same total and the
 * same cut), and only within `keepMs`; a failed read-ahead is forgotten and the page is read
 * again on demand, which reports the error. Writes drop every entry ({@link clear}).
 * A taker whose call is cancelled stops waiting at once; the entry is already out of the
 * map, so its rows go to nobody, and the read is aborted.
 */
export class PageReadAhead {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly keepMs: number, private readonly now: () => number) {}

  /** Start reading the page stored under `key`, cut from `ids`; `read` ends when its signal aborts. */
  start(key: string, ids: readonly number[], read: (signal: AbortSignal) => Promise<P6Row[]>): void {
    const abort = new AbortController();
    const rows = read(abort.signal).catch(() => undefined);
    this.entries.delete(key);
    this.entries.set(key, { ids, at: this.now(), rows, abort });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  /**
   * The rows read ahead under `key` from this `ids` list, at most once; undefined when there
   * are none to use. When `signal` aborts first, rejects with its reason at once and aborts
   * the read: the entry was taken, so no later caller gets its rows.
   */
  async take(key: string, ids: readonly number[], signal?: AbortSignal): Promise<P6Row[] | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.ids !== ids || this.now() - entry.at >= this.keepMs) return undefined;
    if (!signal) return entry.rows;
    return new Promise<P6Row[] | undefined>((resolve, reject) => {
      const cancel = (): void => {
        entry.abort.abort(signal.reason);
        reject(signal.reason as Error);
      };
      if (signal.aborted) return cancel();
      signal.addEventListener('abort', cancel, { once: true });
      // `rows` never rejects (a failed read is undefined).
      void entry.rows.then((rows) => {
        signal.removeEventListener('abort', cancel);
        resolve(rows);
      });
    });
  }

  /** Forget every page read ahead (after a write, the rows may have changed). */
  clear(): void {
    this.entries.clear();
  }
}
