// vsphere_list_tags and vsphere_list_library_items in pages (W4-paging), on vcsim through the
// SDK client: more tags and items than one page, walked with the cursor: every one once, in
// the unpaged answer's order, total stable; a page reads its own tags' objects in one call;
// a cursor of another filter, endpoint or tool is refused in one line saying what to do.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VapiCalls } from '../../../src/connectors/vsphere/vapi/vapi-client.js';
import { VapiClient } from '../../../src/connectors/vsphere/vapi/vapi-client.js';
import { MAX_OBJECTS_PER_TAG } from '../../../src/mcp/vsphere/tools/list-tags.js';
import { vapiRest } from './admin-session.js';
import { useVcsimServer } from './use-vcsim-server.js';

interface Tag { id: string; name: string; category: string; objects?: { type: string; moref: string }[]; objectsTotal?: number }
interface Tags { categories: { name: string }[]; tags: Tag[]; total: number; nextCursor?: string }
interface Item { id: string; name: string; library: string; type?: string }
interface Items { libraries: { name: string; items: number }[]; items: Item[]; total: number; nextCursor?: string }

// Names that sort differently by locale, code point and number (b before C; t10 before t2).
const CATEGORIES = ['zeta', 'Alpha', 'beta'];
const TAGS_PER_CATEGORY = 45;
const tagNames = (c: string) => [...Array.from({ length: TAGS_PER_CATEGORY }, (_, i) => `t${i}`), ...(c === 'zeta' ? [] : ['shared', 'Shared-B'])];
const LIBRARIES = ['Templates', 'isos'];
const ITEMS_PER_LIBRARY = 70;
const itemNames = () => [...Array.from({ length: ITEMS_PER_LIBRARY - 1 }, (_, i) => `item-${i}`), 'common'];

/** Runs `work` in chunks of `n` at once (vcsim answers a handful of requests at a time best). */
async function inChunks<T>(all: T[], n: number, work: (t: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < all.length; i += n) await Promise.all(all.slice(i, i + n).map(work));
}

/** The vAPI calls the tools make, seen through VapiClient's public batch (the real client, on vcsim). */
function spyVapi(): { calls: { method: string; path: string; body?: unknown }[]; restore(): void } {
  const calls: { method: string; path: string; body?: unknown }[] = [];
  const batch = VapiClient.prototype.batch;
  VapiClient.prototype.batch = function <T>(this: VapiClient, work: (c: VapiCalls) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return batch.call(this, (c: VapiCalls) => work({ ...c, call: (method, path, body) => (calls.push({ method, path, body }), c.call(method, path, body)) }), signal) as Promise<T>;
  };
  return { calls, restore: () => { VapiClient.prototype.batch = batch; } };
}

const walkAll = async <P extends { total: number; nextCursor?: string }>(call: (cursor?: string) => Promise<P>): Promise<P[]> => {
  const pages: P[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(cursor);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== undefined && pages.length < 50);
  return pages;
};

describe('vsphere_list_tags and vsphere_list_library_items in pages, on vcsim', () => {
  // 60 VMs in each of two pools: one tag on all 120, past the objects shown per tag.
  const ctx = useVcsimServer({ vms: 60, clusters: 1, hosts: 1, standalone: 1 });
  const expectedTags: { category: string; name: string }[] = [];
  const expectedItems: { library: string; name: string }[] = [];
  let vmCount = 0;

  before(async () => {
    const admin = await vapiRest(ctx.vcsim);
    try {
      const rest = (path: string, body: unknown) => admin.rest('POST', path, body);
      const tagIds = new Map<string, string>();
      for (const c of CATEGORIES) {
        const cid = String(await rest('/com/vmware/cis/tagging/category', { create_spec: { name: c, description: '', cardinality: 'MULTIPLE', associable_types: [] } }));
        await inChunks(tagNames(c), 8, async (t) => tagIds.set(`${c}/${t}`, String(await rest('/com/vmware/cis/tagging/tag', { create_spec: { name: t, description: '', category_id: cid } }))));
        expectedTags.push(...tagNames(c).map((name) => ({ category: c, name })));
      }
      const vms = await ctx.s.ok<{ vms: { moref: string }[] }>('vsphere_list_vms', { limit: 500 });
      vmCount = vms.vms.length;
      await inChunks(vms.vms, 8, (vm) => rest(`/com/vmware/cis/tagging/tag-association/id:${encodeURIComponent(tagIds.get('Alpha/t0')!)}?~action=attach`, { object_id: { id: vm.moref, type: 'VirtualMachine' } }));
      await rest(`/com/vmware/cis/tagging/tag-association/id:${encodeURIComponent(tagIds.get('beta/t1')!)}?~action=attach`, { object_id: { id: vms.vms[0]!.moref, type: 'VirtualMachine' } });
      const ds = (await ctx.s.ok<{ datastores: { moref: string }[] }>('vsphere_list_datastores', {})).datastores[0]!.moref;
      for (const l of LIBRARIES) {
        const lib = await rest('/com/vmware/content/local-library', { create_spec: { name: l, type: 'LOCAL', storage_backings: [{ datastore_id: ds, type: 'DATASTORE' }] } });
        await inChunks(itemNames(), 8, (name) => rest('/com/vmware/content/library/item', { create_spec: { library_id: lib, name, type: name.endsWith('0') ? 'iso' : 'ovf' } }));
        expectedItems.push(...itemNames().map((name) => ({ library: l, name })));
      }
    } finally {
      await admin.close();
    }
    // The unpaged answers' order: category (library), then name, by String#localeCompare.
    expectedTags.sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name));
    expectedItems.sort((a, b) => a.library.localeCompare(b.library) || a.name.localeCompare(b.name));
  });

  it('vsphere_list_tags: every tag once, in category-then-name order, total stable; each page reads its own tags\' objects in one call', async () => {
    assert.ok(vmCount > MAX_OBJECTS_PER_TAG, `${vmCount} VMs`);
    const spy = spyVapi();
    let pages: Tags[];
    try {
      pages = await walkAll((cursor) => ctx.s.ok<Tags>('vsphere_list_tags', { limit: 50, ...(cursor ? { cursor } : {}) }));
    } finally {
      spy.restore();
    }
    assert.equal(pages.length, Math.ceil(expectedTags.length / 50));
    assert.ok(pages.every((p) => p.total === expectedTags.length), 'total stable');
    const seen = pages.flatMap((p) => p.tags);
    assert.equal(new Set(seen.map((t) => t.id)).size, seen.length, 'no duplicates');
    assert.deepEqual(seen.map((t) => ({ category: t.category, name: t.name })), expectedTags, 'no gaps, in order');
    // One list-attached call per page, with that page's tags only; the later pages read no tag again.
    const attached = spy.calls.filter((c) => c.path.includes('list-attached-objects-on-tags'));
    assert.deepEqual(attached.map((c) => (c.body as { tag_ids: string[] }).tag_ids), pages.map((p) => p.tags.map((t) => t.id)));
    const reads = spy.calls.filter((c) => c.method === 'GET').length;
    assert.equal(reads, 2 + CATEGORIES.length + expectedTags.length, 'every category and tag read once in the walk');
    // The first page names every category; later ones those of their tags.
    assert.deepEqual(pages[0]!.categories.map((c) => c.name), ['Alpha', 'beta', 'zeta']);
    for (const p of pages.slice(1)) assert.deepEqual(p.categories.map((c) => c.name), [...new Set(p.tags.map((t) => t.category))]);
    // A tag on more objects than a page shows says how many there are.
    const many = seen.find((t) => t.category === 'Alpha' && t.name === 't0')!;
    assert.equal(many.objects?.length, MAX_OBJECTS_PER_TAG);
    assert.equal(many.objectsTotal, vmCount);
    const one = seen.find((t) => t.category === 'beta' && t.name === 't1')!;
    assert.deepEqual([one.objects?.length, one.objectsTotal], [1, undefined]);
  });

  it('vsphere_list_tags: a filtered walk has its own total, and withObjects false reads no objects', async () => {
    const spy = spyVapi();
    let pages: Tags[];
    try {
      pages = await walkAll((cursor) => ctx.s.ok<Tags>('vsphere_list_tags', { category: 'BETA', name: 't*', withObjects: false, limit: 20, ...(cursor ? { cursor } : {}) }));
    } finally {
      spy.restore();
    }
    const want = expectedTags.filter((t) => t.category === 'beta' && t.name.startsWith('t'));
    assert.equal(pages.length, Math.ceil(want.length / 20));
    assert.ok(pages.every((p) => p.total === want.length && p.categories.length === 1), 'every page has the filtered total and one category');
    assert.deepEqual(pages.flatMap((p) => p.tags.map((t) => ({ category: t.category, name: t.name, objects: t.objects }))), want.map((t) => ({ ...t, objects: undefined })));
    assert.equal(spy.calls.filter((c) => c.method === 'POST').length, 0);
    // The summary counts the page against the total, and says how to go on.
    const text = ((await ctx.s.call('vsphere_list_tags', { category: 'beta', name: 't*', limit: 20 })).content[0] as { text: string }).text;
    assert.match(text.split('\n')[0]!, /^20 of 45 tag\(s\) in 1 category; next page: pass cursor "[A-Za-z0-9_-]+"$/);
  });

  it('vsphere_list_library_items: every item once, in library-then-name order, total stable', async () => {
    const pages = await walkAll((cursor) => ctx.s.ok<Items>('vsphere_list_library_items', { limit: 50, ...(cursor ? { cursor } : {}) }));
    assert.equal(pages.length, Math.ceil(expectedItems.length / 50));
    assert.ok(pages.every((p) => p.total === expectedItems.length), 'total stable');
    const seen = pages.flatMap((p) => p.items);
    assert.equal(new Set(seen.map((i) => i.id)).size, seen.length, 'no duplicates');
    assert.deepEqual(seen.map((i) => ({ library: i.library, name: i.name })), expectedItems, 'no gaps, in order');
    assert.deepEqual(pages[0]!.libraries.map((l) => [l.name, l.items]), [['isos', ITEMS_PER_LIBRARY], ['Templates', ITEMS_PER_LIBRARY]]);
    for (const p of pages.slice(1)) assert.deepEqual(p.libraries.map((l) => l.name), [...new Set(p.items.map((i) => i.library))]);
    const iso = await walkAll((cursor) => ctx.s.ok<Items>('vsphere_list_library_items', { type: 'ISO', limit: 5, ...(cursor ? { cursor } : {}) }));
    assert.deepEqual(iso.flatMap((p) => p.items.map((i) => i.name)), expectedItems.filter((i) => i.name.endsWith('0')).map((i) => i.name));
  });

  it('refuses a cursor of another filter, endpoint or tool, or one it did not make, in one line saying what to do', async () => {
    const tags = await ctx.s.ok<Tags>('vsphere_list_tags', { name: 't1*', limit: 5 });
    const items = await ctx.s.ok<Items>('vsphere_list_library_items', { limit: 5 });
    assert.ok(tags.nextCursor && items.nextCursor, 'both first pages have a next cursor');
    const refused = async (tool: string, args: Record<string, unknown>, pattern: RegExp) => {
      const r = await ctx.s.call(tool, args);
      assert.equal(r.isError, true, JSON.stringify(r));
      const text = (r.content[0] as { text: string }).text;
      assert.equal(text.split('\n').length, 1, text);
      assert.match(text, pattern);
    };
    const other = /^VSPHERE_TOOL_INVALID: the cursor belongs to a different query \(other filters or endpoint\); repeat the call with the filters of the call that returned it, or start again without a cursor$/;
    await refused('vsphere_list_tags', { name: 't2*', cursor: tags.nextCursor }, other);
    await refused('vsphere_list_tags', { cursor: tags.nextCursor }, other);
    await refused('vsphere_list_tags', { name: 't1*', endpoint: 'vc-other', cursor: tags.nextCursor }, other);
    await refused('vsphere_list_library_items', { cursor: tags.nextCursor }, other);
    await refused('vsphere_list_library_items', { type: 'ovf', cursor: items.nextCursor }, other);
    await refused('vsphere_list_tags', { cursor: 'bm90IGEgY3Vyc29y' }, /^VSPHERE_TOOL_INVALID: the cursor is not one this server returned for a tag list; pass nextCursor unchanged, or start again without a cursor$/);
    const vms = await ctx.s.ok<{ nextCursor?: string }>('vsphere_list_vms', { limit: 1 });
    await refused('vsphere_list_library_items', { cursor: vms.nextCursor }, /^VSPHERE_TOOL_INVALID: the cursor is not one this server returned for a library item list;/);
    // The same cursor with withObjects changed is the same tags: it goes on.
    const next = await ctx.s.ok<Tags>('vsphere_list_tags', { name: 't1*', limit: 5, withObjects: false, cursor: tags.nextCursor });
    assert.equal(next.total, tags.total);
    assert.ok(next.tags.every((t) => !tags.tags.some((u) => u.id === t.id)), 'the next page repeats no tag of the first');
  });
});

