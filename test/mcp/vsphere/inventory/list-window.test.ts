import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { listWindow } from '../../../../src/mcp/vsphere/inventory/list-window.js';

const rows = (names: string[]) => names.map((name, i) => ({ name, moref: `vm-${i}` }));

describe('listWindow()', () => {
  it('walks every row exactly once, in (name, moref) order, for any page size', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 60 }), fc.integer({ min: 1, max: 25 }), (names, limit) => {
        const all = rows(names);
        const seen: string[] = [];
        let cursor: string | undefined;
        let guard = 0;
        do {
          const page = listWindow([...all], { q: 1 }, limit, cursor);
          assert.equal(page.total, all.length);
          assert.ok(page.items.length <= limit);
          seen.push(...page.items.map((r) => r.moref));
          cursor = page.nextCursor;
        } while (cursor !== undefined && ++guard < 100);
        const expected = [...all].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.moref < b.moref ? -1 : a.moref > b.moref ? 1 : 0)).map((r) => r.moref);
        assert.deepEqual(seen, expected);
      }),
    );
  });

  it('neither repeats nor skips rows that existed throughout when rows come and go between pages', () => {
    const first = listWindow(rows(['a', 'b', 'c', 'd']), {}, 2, undefined);
    // 'a' is deleted and 'aa' created before the next page: the cursor is a key, not an offset.
    const next = listWindow([{ name: 'aa', moref: 'vm-9' }, { name: 'b', moref: 'vm-1' }, { name: 'c', moref: 'vm-2' }, { name: 'd', moref: 'vm-3' }], {}, 2, first.nextCursor);
    assert.deepEqual(first.items.map((r) => r.name), ['a', 'b']);
    assert.deepEqual(next.items.map((r) => r.name), ['c', 'd']);
  });

  it('refuses a cursor made for another query or not made by it', () => {
    const page = listWindow(rows(['a', 'b', 'c']), { name: 'x' }, 1, undefined);
    assert.throws(() => listWindow(rows(['a', 'b', 'c']), { name: 'y' }, 1, page.nextCursor), /different query/);
    assert.throws(() => listWindow(rows(['a']), {}, 1, 'not-a-cursor'), /not one this server returned/);
    assert.throws(() => listWindow(rows(['a']), {}, 1, Buffer.from('{"q":1}').toString('base64url')), /not one this server returned/);
  });
});
