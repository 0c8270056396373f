// Tags through vcsim's vAPI REST service (issue 16): vsphere_list_tags and the tag filter of
// vsphere_list_vms, with the vAPI session made from the same login as the vim25 one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { adminSession, type AdminSession } from './admin-session.js';
import { connectVsphereServer } from './connect-vsphere-server.js';
import { useVcsimServer } from './use-vcsim-server.js';

const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('vSphere tags against vcsim (issue 16)', () => {
  const ctx = useVcsimServer({ vms: 2, clusters: 1, hosts: 1, standalone: 1 });
  let admin: AdminSession;
  before(async () => {
    admin = await adminSession(ctx.vcsim);
    const prod = await admin.createTag('env', 'prod');
    await admin.createTag('env', 'test');
    const web = await admin.createTag('role', 'web', 'MULTIPLE');
    // A second "prod" in another category makes the bare name ambiguous.
    await admin.createTag('tier', 'prod');
    await admin.attachTag(prod, 'DC0_H0_VM0');
    await admin.attachTag(prod, 'DC0_C0_RP0_VM1');
    await admin.attachTag(web, 'DC0_H0_VM0');
  });
  after(async () => {
    await admin?.close();
  });

  it('vsphere_list_tags lists categories and tags with their "category/tag" path, in the text block too', async () => {
    const out = await ctx.s.ok<{ categories: { name: string; cardinality: string }[]; tags: { path: string; category: string }[]; total: number }>('vsphere_list_tags', {});
    assert.deepEqual(out.categories.map((c) => [c.name, c.cardinality]), [['env', 'SINGLE'], ['role', 'MULTIPLE'], ['tier', 'SINGLE']]);
    assert.deepEqual(out.tags.map((t) => t.path).sort(), ['env/prod', 'env/test', 'role/web', 'tier/prod']);
    assert.equal(out.total, 4);
    const text = textOf(await ctx.s.call('vsphere_list_tags', {}));
    assert.match(text, /^3 categories, 4 of 4 tags\n/);
    assert.match(text, /"path":"env\/prod"/);
    const env = await ctx.s.ok<{ categories: unknown[]; tags: { name: string }[] }>('vsphere_list_tags', { category: 'ENV', limit: 1 });
    assert.equal(env.categories.length, 1);
    assert.deepEqual(env.tags.map((t) => t.name), ['prod']);
  });

  it('vsphere_list_vms filters by tag ("category/tag", unique name or id); an ambiguous or unknown tag says what to pass', async () => {
    const byPath = await ctx.s.ok<{ vms: { name: string }[] }>('vsphere_list_vms', { tag: 'env/prod' });
    assert.deepEqual(byPath.vms.map((v) => v.name), ['DC0_C0_RP0_VM1', 'DC0_H0_VM0']);
    const combined = await ctx.s.ok<{ vms: { name: string }[] }>('vsphere_list_vms', { tag: 'web', powerState: 'poweredOn' });
    assert.deepEqual(combined.vms.map((v) => v.name), ['DC0_H0_VM0']);
    const none = await ctx.s.ok<{ vms: unknown[]; total: number }>('vsphere_list_vms', { tag: 'env/test' });
    assert.equal(none.total, 0);
    const ambiguous = await ctx.s.call('vsphere_list_vms', { tag: 'prod' });
    assert.equal(ambiguous.isError, true);
    assert.match(textOf(ambiguous), /2 tags are named "prod" \(env\/prod, tier\/prod\); pass "category\/tag"/);
    const unknown = await ctx.s.call('vsphere_list_vms', { tag: 'env/nope' });
    assert.match(textOf(unknown), /no tag "env\/nope"; vsphere_list_tags lists them/);
  });

  it('without a vAPI session (a vCenter with no /rest) the tag tools say so; the vim25 tools still work', async () => {
    const noApi = connectVsphereServer({
      defaultEndpoint: 'vc',
      tokens: {
        ...ctx.tokens,
        get: async (e) => {
          const { apiToken: _a, ...grant } = await ctx.tokens.get(e);
          return grant;
        },
      },
    });
    const s = await noApi;
    try {
      const r = await s.call('vsphere_list_tags', {});
      assert.equal(r.isError, true);
      assert.match(textOf(r), /^the broker holds no vAPI REST session for vc \(the vCenter has no \/rest service, or refused it\), so tags cannot be read; tags need vCenter 6\.5 or later$/);
      assert.match(textOf(await s.call('vsphere_list_vms', { tag: 'env/prod' })), /no vAPI REST session for vc/);
      assert.ok((await s.ok<{ total: number }>('vsphere_list_vms', {})).total > 0);
    } finally {
      await s.close();
    }
  });
});
