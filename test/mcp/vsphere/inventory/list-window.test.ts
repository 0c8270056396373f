import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { listWindow, type ListQuery } from '../../../../src/mcp/vsphere/inventory/list-window.js';

const rows = (names: string[]) => names.map((name, i) => ({ name, moref: `vm-${i}` }));
const query = (filters: unknown, endpoint?: string, kind = 'vms'): ListQuery => ({ kind, endpoint, filters });

describe('listWindow()', () => {
  it('walks every row exactly once, in (name, moref) order, for any page size', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 60 }), fc.integer({ min: 1, max: 25 }), (names, limit) => {
        const all = rows(names);
        const seen: string[] = [];
        let cursor: string | undefined;
        let guard = 0;
        do {
          const page = listWindow([...all], query({ q: 1 }), limit, cursor);
          assert.equal(page.total, all.length);
          assert.ok(page.items.length <= limit, 'a page holds at most limit items');
          seen.push(...page.items.map((r) => r.moref));
          cursor = page.nextCursor;
        } while (cursor !== undefined && ++guard < 100);
        const expected = [...all].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.moref < b.moref ? -1 : a.moref > b.moref ? 1 : 0)).map((r) => r.moref);
        assert.deepEqual(seen, expected);
      }),
    );
  });

  it('neither repeats nor skips rows that existed throughout when rows come and go between pages', () => {
    const first = listWindow(rows(['a', 'b', 'c', 'd']), query({}), 2, undefined);
    // 'a' is deleted and 'aa' created before the next page: the cursor is a key, not an offset.
    const next = listWindow([{ name: 'aa', moref: 'vm-9' }, { name: 'b', moref: 'vm-1' }, { name: 'c', moref: 'vm-2' }, { name: 'd', moref: 'vm-3' }], query({}), 2, first.nextCursor);
    assert.deepEqual(first.items.map((r) => r.name), ['a', 'b']);
    assert.deepEqual(next.items.map((r) => r.name), ['c', 'd']);
  });

  it('refuses a cursor made for another query or not made by it', () => {
    const page = listWindow(rows(['a', 'b', 'c']), query({ name: 'x' }), 1, undefined);
    assert.throws(() => listWindow(rows(['a', 'b', 'c']), query({ name: 'y' }), 1, page.nextCursor), /different query/);
    assert.throws(() => listWindow(rows(['a', 'b', 'c']), query({ name: 'x' }, undefined, 'hosts'), 1, page.nextCursor), /different query/);
    assert.throws(() => listWindow(rows(['a']), query({}), 1, 'not-a-cursor'), /not one this server returned/);
    assert.throws(() => listWindow(rows(['a']), query({}), 1, Buffer.from('{"q":1}').toString('base64url')), /not one this server returned/);
  });

  it('refuses a cursor made on another endpoint: its key would cut the other endpoint\'s rows and skip some', () => {
    const page = listWindow(rows(['a', 'm', 'z']), query({}, 'vc1'), 2, undefined);
    assert.equal(page.items.length, 2);
    assert.throws(() => listWindow(rows(['b', 'c', 'd']), query({}, 'vc2'), 2, page.nextCursor), /same endpoint and filters/);
    // The default endpoint (no argument) is its own binding: naming it later is another query.
    const byDefault = listWindow(rows(['a', 'm', 'z']), query({}), 2, undefined);
    assert.throws(() => listWindow(rows(['a', 'm', 'z']), query({}, 'vc1'), 2, byDefault.nextCursor), /different query/);
    assert.deepEqual(listWindow(rows(['a', 'm', 'z']), query({}, 'vc1'), 2, page.nextCursor).items.map((r) => r.name), ['z']);
  });
});
