import { cursorQueryKey } from '../../runtime/toolkit/index.js';
import { VsphereToolError } from '../vsphere-tool-error.js';

/** A row that can be paged: sorted by name, ties broken by MoRef value. */
export interface PageableRow {
  readonly name: string;
  readonly moref: string;
}

/** What a cursor is bound to: the listing, the endpoint as the caller named it, and its filters. */
export interface ListQuery {
  /** The listing (`vms`, `hosts`, ...). */
  readonly kind: string;
  /** The `endpoint` argument (absent: the default endpoint). */
  readonly endpoint: string | undefined;
  readonly filters: unknown;
}

/** One page of a list tool's answer. */
export interface ListWindow<T> {
  readonly items: T[];
  readonly total: number;
  /** Pass back as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

interface CursorBody {
  /** Hash of the listing, endpoint and filters the cursor was made for. */
  readonly q: string;
  /** Sort key of the last row returned. */
  readonly after: [string, string];
}

/**
 * Cuts one page out of all matching rows. Keyset paging on (name, MoRef) rather than an
 * offset: a VM created or deleted between two calls shifts nothing, so walking the cursor
 * never repeats or skips a row that existed throughout. The cursor is opaque (base64url
 * JSON) and bound to the query, so it cannot be replayed against other filters or another
 * endpoint (whose rows would be cut at a key from the first one's, silently skipping some).
 *
 * @throws VsphereToolError for a cursor that is malformed or from another query.
 */
export function listWindow<T extends PageableRow>(rows: T[], query: ListQuery, limit: number, cursor: string | undefined): ListWindow<T> {
  const q = listQueryKey(query);
  rows.sort(compareRows);
  let start = 0;
  if (cursor !== undefined) {
    const body = decodeCursor(cursor);
    if (body.q !== q) throw new VsphereToolError('the cursor belongs to a different query; repeat the call with the same endpoint and filters, or start again without a cursor');
    const after = { name: body.after[0], moref: body.after[1] };
    start = rows.findIndex((r) => compareRows(r, after) > 0);
    if (start < 0) start = rows.length;
  }
  const items = rows.slice(start, start + limit);
  const last = items[items.length - 1];
  const more = start + items.length < rows.length && last !== undefined;
  const next: CursorBody | undefined = more ? { q, after: [last.name, last.moref] } : undefined;
  return { items, total: rows.length, ...(next ? { nextCursor: Buffer.from(JSON.stringify(next)).toString('base64url') } : {}) };
}

/** The key a cursor of `query` carries: its listing, endpoint (`''`: the default) and filters. */
export function listQueryKey(query: ListQuery): string {
  return cursorQueryKey([query.kind, query.endpoint ?? '', query.filters]);
}

function compareRows(a: PageableRow, b: PageableRow): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.moref < b.moref ? -1 : a.moref > b.moref ? 1 : 0;
}

function decodeCursor(cursor: string): CursorBody {
  try {
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorBody;
    if (typeof body.q === 'string' && Array.isArray(body.after) && body.after.length === 2 && body.after.every((s) => typeof s === 'string')) return body;
  } catch {
    // Falls through to the error below.
  }
  throw new VsphereToolError('the cursor is not one this server returned; pass nextCursor unchanged, or start again without a cursor');
}
