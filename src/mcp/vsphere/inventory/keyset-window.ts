import { VsphereToolError } from '../vsphere-tool-error.js';
import { listQueryKey, type ListQuery, type ListWindow } from './list-window.js';

/** A row of a keyset-paged vAPI list: a unique id, and the sort key its list gives it. */
export interface KeysetRow {
  readonly id: string;
}

/** How a list pages its rows: the sort key of a row (compared part by part), the noun its messages use. */
export interface KeysetOrder<T extends KeysetRow> {
  readonly key: (row: T) => readonly string[];
  /** "tag", "library item": what a stale cursor continued after. */
  readonly noun: string;
}

/** Longest cursor handed out: the tools' `cursor` argument takes at most this (tool-support.ts). */
export const KEYSET_CURSOR_MAX = 2048;

interface CursorBody {
  /** Hash of the tool, endpoint and filters the cursor was made for. */
  readonly q: string;
  /** Id of the last row returned. */
  readonly id: string;
  /** Sort key of the last row returned; left out when it would make the cursor too long. */
  readonly k?: string[];
}

// One collator for every list: the order today's answers had (String#localeCompare), with
// code-point order and then the id breaking its ties, so the order is total and a keyset
// position is never ambiguous.
const collator = new Intl.Collator();

function compareText(a: string, b: string): number {
  // Equal texts first: most neighbours share their category or library.
  if (a === b) return 0;
  return collator.compare(a, b) || (a < b ? -1 : 1);
}

function compareKeys(a: readonly string[], aId: string, b: readonly string[], bId: string): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = compareText(a[i] ?? '', b[i] ?? '');
    if (c !== 0) return c;
  }
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

/**
 * Sorts `rows` in place by the order's key, then id, and cuts the page after `cursor`. In
 * place, so a reading kept for later pages (RowSnapshots) is sorted once: sorting sorted rows
 * is one comparison per row, and the page's start is found by binary search. Keyset paging
 * like {@link listWindow} (vsphere_list_vms): a row added or removed between two pages shifts
 * nothing, so a walk never repeats or skips a row that existed throughout. The cursor (opaque
 * base64url JSON) holds the key of `query` (listing, endpoint, filters: {@link listQueryKey}), the last row's id and its sort key; a key so long
 * that the cursor would pass {@link KEYSET_CURSOR_MAX} is left out and the walk goes on after
 * the row with that id (exact while the reading is the same; a row gone since says so).
 *
 * @throws VsphereToolError for a cursor that is malformed, from another query, or that
 *   continues after a row no longer there (each with what to do next).
 */
export function keysetWindow<T extends KeysetRow>(rows: T[], order: KeysetOrder<T>, query: ListQuery, limit: number, cursor: string | undefined): ListWindow<T> {
  const q = listQueryKey(query);
  // Each row's key made once, not at every comparison.
  const keyed = rows.map((row) => ({ row, key: order.key(row) }));
  keyed.sort((a, b) => compareKeys(a.key, a.row.id, b.key, b.row.id));
  keyed.forEach((k, i) => { rows[i] = k.row; });
  let start = 0;
  if (cursor !== undefined) {
    const body = decodeCursor(cursor, order.noun);
    if (body.q !== q) throw new VsphereToolError(`the cursor belongs to a different query (other filters or endpoint); repeat the call with the filters of the call that returned it, or start again without a cursor`);
    if (body.k !== undefined) {
      // The first row after the cursor's key: binary search over the sorted rows.
      const after = body.k;
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const k = keyed[mid]!;
        if (compareKeys(k.key, k.row.id, after, body.id) > 0) hi = mid;
        else lo = mid + 1;
      }
      start = lo;
    } else {
      const at = rows.findIndex((r) => r.id === body.id);
      if (at < 0) throw new VsphereToolError(`the cursor continues after a ${order.noun} that is no longer there (the list was read again, over a minute after its first page); start again without a cursor`);
      start = at + 1;
    }
  }
  const items = rows.slice(start, start + limit);
  const last = items[items.length - 1];
  const more = start + items.length < rows.length && last !== undefined;
  return { items, total: rows.length, ...(more ? { nextCursor: encodeCursor(q, last.id, order.key(last)) } : {}) };
}

function encodeCursor(q: string, id: string, key: readonly string[]): string {
  const full = Buffer.from(JSON.stringify({ q, id, k: key })).toString('base64url');
  return full.length <= KEYSET_CURSOR_MAX ? full : Buffer.from(JSON.stringify({ q, id })).toString('base64url');
}

function decodeCursor(cursor: string, noun: string): CursorBody {
  try {
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
    const keyOk = body.k === undefined || (Array.isArray(body.k) && body.k.every((s) => typeof s === 'string'));
    if (typeof body.q === 'string' && typeof body.id === 'string' && keyOk) return body as CursorBody;
  } catch {
    // Falls through to the error below.
  }
  throw new VsphereToolError(`the cursor is not one this server returned for a ${noun} list; pass nextCursor unchanged, or start again without a cursor`);
}
