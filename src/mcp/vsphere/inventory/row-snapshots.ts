/** How long a list query's rows serve its later pages. */
const SNAPSHOT_TTL_MS = 60_000;
/** Most queries remembered at once; the oldest goes first. */
const MAX_SNAPSHOTS = 16;

/**
 * The rows of recent list queries, so that walking a query's pages with the cursor reads
 * vCenter once instead of once per page (5,000 VMs in pages of 50 would otherwise read all
 * 5,000 VMs a hundred times). A first page (no cursor) always reads afresh; later pages
 * reuse its rows for up to a minute, which also keeps `total` stable across the walk.
 * Owned by one server instance (STYLE.md §10: no module-level state).
 */
export class RowSnapshots {
  private readonly entries = new Map<string, { rows: unknown; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The rows for `key`: remembered ones when continuing a walk, else freshly loaded. */
  rows<T>(key: string, continuing: boolean, load: () => Promise<T[]>): Promise<T[]> {
    return this.reading(key, continuing, load);
  }

  /** Like {@link rows}, for a reading that is more than one list (vsphere_list_tags: its categories and tags). */
  async reading<T>(key: string, continuing: boolean, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (continuing && hit && this.now() - hit.at < SNAPSHOT_TTL_MS) return hit.rows as T;
    const rows = await load();
    const at = this.now();
    this.entries.delete(key);
    this.entries.set(key, { rows, at });
    // Oldest first: drop what can no longer be served (over a minute old; issue 17: a query no
    // one repeats would otherwise keep its rows until 16 newer ones pushed it out), then any
    // over the bound.
    for (const [old, entry] of this.entries) {
      if (at - entry.at < SNAPSHOT_TTL_MS && this.entries.size <= MAX_SNAPSHOTS) break;
      this.entries.delete(old);
    }
    return rows;
  }
}
