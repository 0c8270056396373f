// keysetWindow(), the paging of vsphere_list_tags and vsphere_list_library_items (W4-paging):
// every row once in (key, id) order for any page size, rows coming and going between pages,
// the cursor's bounds, and one clear line for every cursor it refuses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KEYSET_CURSOR_MAX, keysetWindow, type KeysetOrder } from '../../../../src/mcp/vsphere/inventory/keyset-window.js';
import type { ListQuery } from '../../../../src/mcp/vsphere/inventory/list-window.js';

interface Row { id: string; group: string; name: string }
const ORDER: KeysetOrder<Row> = { key: (r) => [r.group, r.name], noun: 'tag' };
const row = (group: string, name: string, id: string): Row => ({ id, group, name });
const ids = (rows: readonly Row[]) => rows.map((r) => r.id);

/** A query: the listing, the endpoint argument (absent: the default) and the filters. */
const q = (kind: string, endpoint?: string, filters: unknown = {}): ListQuery => ({ kind, endpoint, filters });

/** Every page of `rows` for `limit`, as a client walks them. */
function walk(rows: Row[], limit: number, query: ListQuery = q('q')): { seen: string[]; totals: number[] } {
  const seen: string[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  let guard = 0;
  do {
    const page = keysetWindow(rows, ORDER, query, limit, cursor);
    assert.ok(page.items.length <= limit, 'a page holds at most limit items');
    totals.push(page.total);
    seen.push(...ids(page.items));
    cursor = page.nextCursor;
  } while (cursor !== undefined && ++guard < 1000);
  return { seen, totals };
}

const byLocale = (a: Row, b: Row) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name);

describe('keysetWindow()', () => {
  it('walks every row exactly once, in the order the unpaged answer had, for any page size', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('Env', 'env', 'Owner', 'été', ''), fc.string({ maxLength: 3 })), { maxLength: 60 }), fc.integer({ min: 1, max: 25 }), (pairs, limit) => {
        const rows = pairs.map(([g, n], i) => row(g, n, `urn:tag:${i}`));
        const { seen, totals } = walk(rows, limit);
        assert.equal(new Set(seen).size, rows.length, 'no duplicates');
        assert.deepEqual([...seen].sort(), ids(rows).sort(), 'no gaps');
        assert.ok(totals.every((t) => t === rows.length), 'total stable');
        // Where the locale tells rows apart, the order is the old answer's (localeCompare).
        const pos = new Map(seen.map((id, i) => [id, i]));
        for (const a of rows) for (const b of rows) if (byLocale(a, b) < 0) assert.ok(pos.get(a.id)! < pos.get(b.id)!, `${a.group}/${a.name} before ${b.group}/${b.name}`);
      }),
    );
  });

  it('keeps the unpaged order of names: locale order (b before C), not code points or numbers', () => {
    const page = keysetWindow([row('x', 'C', '1'), row('x', 'b', '2'), row('x', 't10', '3'), row('x', 't2', '4'), row('X', 'a', '5')], ORDER, q('tags'), 10, undefined);
    assert.deepEqual(page.items.map((r) => `${r.group}/${r.name}`), ['x/b', 'x/C', 'x/t10', 'x/t2', 'X/a']);
    assert.equal(page.nextCursor, undefined);
  });

  it('neither repeats nor skips rows that existed throughout when rows come and go between pages', () => {
    const before = [row('a', '1', 'i1'), row('a', '2', 'i2'), row('b', '1', 'i3'), row('b', '2', 'i4'), row('c', '1', 'i5')];
    const first = keysetWindow(before, ORDER, q('tags'), 2, undefined);
    assert.deepEqual(ids(first.items), ['i1', 'i2']);
    // The last row of the page is deleted, one is created before it and one after it.
    const after = [row('a', '1', 'i1'), row('a', '15', 'i9'), row('b', '1', 'i3'), row('b', '15', 'i8'), row('b', '2', 'i4'), row('c', '1', 'i5')];
    const next = keysetWindow(after, ORDER, q('tags'), 2, first.nextCursor);
    assert.deepEqual(ids(next.items), ['i3', 'i8']);
    assert.deepEqual(ids(keysetWindow(after, ORDER, q('tags'), 10, next.nextCursor).items), ['i4', 'i5']);
  });

  it('keeps its cursor within the argument bound: a key too long for it leaves the key out and goes on after the id', () => {
    const long = '\u0001'.repeat(256); // 6 bytes each as JSON: the key alone is past 2,048 characters
    const rows = [row(long, long, 'i1'), row(long, `${long}b`, 'i2'), row('z', 'z', 'i3')];
    const first = keysetWindow(rows, ORDER, q('tags'), 1, undefined);
    assert.ok(first.nextCursor !== undefined && first.nextCursor.length <= KEYSET_CURSOR_MAX, String(first.nextCursor?.length));
    assert.deepEqual(walk(rows, 1).seen, ['i1', 'i2', 'i3']);
    // Short keys ride in the cursor; a cursor without one is only as good as its row's id.
    const short = keysetWindow(rows.slice(2).concat(row('a', 'a', 'i0')), ORDER, q('tags'), 1, undefined);
    assert.ok(short.nextCursor!.length < 200, 'a cursor with short keys stays under 200 characters');
    assert.throws(() => keysetWindow(rows.slice(1), ORDER, q('tags'), 1, first.nextCursor), /continues after a tag that is no longer there.*start again without a cursor/);
  });

  it('refuses, in one line saying what to do, a cursor of another query or one it did not make', () => {
    const rows = [row('a', '1', 'i1'), row('a', '2', 'i2'), row('a', '3', 'i3')];
    const page = keysetWindow(rows, ORDER, q('tags', 'vc', { name: 'x' }), 1, undefined);
    const other = (query: ListQuery) => () => keysetWindow(rows, ORDER, query, 1, page.nextCursor);
    assert.throws(other(q('tags', 'vc', { name: 'y' })), /^VsphereToolError: the cursor belongs to a different query \(other filters or endpoint\); repeat the call with the filters of the call that returned it, or start again without a cursor$/);
    assert.throws(other(q('tags', 'vc2', { name: 'x' })), /different query/);
    assert.throws(other(q('library-items', 'vc', { name: 'x' })), /different query/);
    const refused = /^VsphereToolError: the cursor is not one this server returned for a tag list; pass nextCursor unchanged, or start again without a cursor$/;
    const json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const bad of ['not-a-cursor', '', json(null), json({ q: 'x' }), json({ q: 'x', id: 5 }), json({ q: 'x', id: 'i1', k: 'a' }), json({ q: 'x', id: 'i1', k: [1] }), json({ q: 1, id: 'i1' })]) {
      assert.throws(() => keysetWindow(rows, ORDER, q('tags'), 1, bad), refused, bad);
    }
    // A list_vms cursor (name, moref) is not one either.
    assert.throws(() => keysetWindow(rows, ORDER, q('tags'), 1, json({ q: 'x', after: ['a', 'vm-1'] })), refused);
  });

  it('hands out no cursor on the last page, and an empty page past the end', () => {
    const rows = [row('a', '1', 'i1'), row('a', '2', 'i2')];
    const all = keysetWindow(rows, ORDER, q('tags'), 2, undefined);
    assert.equal(all.nextCursor, undefined);
    const first = keysetWindow(rows, ORDER, q('tags'), 1, undefined);
    const gone = keysetWindow([row('a', '0', 'i0')], ORDER, q('tags'), 1, first.nextCursor);
    assert.deepEqual({ items: gone.items, total: gone.total, next: gone.nextCursor }, { items: [], total: 1, next: undefined });
  });
});
