// vsphere_list_vms walks 5,000 vcsim VMs page by page with the cursor: every VM exactly
// once, in order, with `total` stable across pages (issue 5 "Filters and paging").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useVcsimServer } from './use-vcsim-server.js';

// 2,500 VMs per pool: the standalone host's and the cluster's resource pool.
const PER_POOL = 2_500;
const expected = [
  ...Array.from({ length: PER_POOL }, (_, i) => `DC0_H0_VM${i}`),
  ...Array.from({ length: PER_POOL }, (_, i) => `DC0_C0_RP0_VM${i}`),
].sort();

describe('vsphere_list_vms paging over 5,000 VMs', () => {
  const ctx = useVcsimServer({ vms: PER_POOL, clusters: 1, hosts: 2, standalone: 1 });

  it('returns every VM exactly once across pages of 500', async () => {
    const seen: string[] = [];
    const morefs = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = (await ctx.s.ok('vsphere_list_vms', { limit: 500, ...(cursor ? { cursor } : {}) })) as { vms: { name: string; moref: string }[]; total: number; nextCursor?: string };
      assert.equal(r.total, expected.length);
      assert.ok(r.vms.length <= 500, 'a page holds at most the 500 VMs asked for');
      for (const v of r.vms) {
        seen.push(v.name);
        morefs.add(v.moref);
      }
      cursor = r.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 20);
    assert.equal(pages, 10);
    assert.equal(morefs.size, expected.length, 'no duplicates');
    assert.deepEqual(seen, expected, 'no gaps, in name order');
  });

  it('pages a filtered query with its own total', async () => {
    const first = (await ctx.s.ok('vsphere_list_vms', { name: 'DC0_H0_VM1*', limit: 200 })) as { vms: { name: string }[]; total: number; nextCursor?: string };
    const want = expected.filter((n) => n.startsWith('DC0_H0_VM1'));
    assert.equal(first.total, want.length);
    const second = (await ctx.s.ok('vsphere_list_vms', { name: 'DC0_H0_VM1*', limit: 200, cursor: first.nextCursor })) as { vms: { name: string }[]; nextCursor?: string };
    assert.deepEqual([...first.vms, ...second.vms].map((v) => v.name), want.slice(0, 400));
  });
});
