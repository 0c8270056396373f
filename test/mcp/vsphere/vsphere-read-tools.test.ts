// Issue 16's vSphere read tools against vcsim (Debian's govmomi simulator): resource pools,
// recent tasks, triggered alarms, datastore browsing and performance metrics. Expected
// values come from the inventory vcsim was started with.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { vapiRest } from './admin-session.js';
import { useVcsimServer } from './use-vcsim-server.js';

interface Pool { name: string; moref: string; type: string; owner?: string; parentPool?: string; vmCount: number; childPools: number; cpu?: { reservation?: number; limit?: number; shares?: string } }
interface Task { moref: string; operation?: string; entity?: string; state: string }

describe('vSphere read tools (issue 16) against vcsim', () => {
  // One cluster of two hosts (with its root pool "Resources" holding 2 VMs) and one standalone host.
  const ctx = useVcsimServer({ vms: 2, clusters: 1, hosts: 2, standalone: 1 });

  it('vsphere_list_resource_pools lists the root pools of the cluster and the standalone host with allocations', async () => {
    const r = await ctx.s.ok<{ pools: Pool[]; total: number }>('vsphere_list_resource_pools', {});
    assert.equal(r.total, r.pools.length);
    const owners = r.pools.map((p) => `${p.name}@${p.owner}`).sort();
    assert.ok(owners.includes('Resources@DC0_C0'), owners.join());
    assert.ok(owners.includes('Resources@DC0_H0'), owners.join());
    const clusterRoot = r.pools.find((p) => p.owner === 'DC0_C0' && p.name === 'Resources')!;
    assert.equal(clusterRoot.type, 'ResourcePool');
    assert.equal(clusterRoot.parentPool, undefined);
    assert.ok(clusterRoot.vmCount >= 2, JSON.stringify(clusterRoot));
    assert.equal(typeof clusterRoot.cpu?.limit, 'number');
    const only = await ctx.s.ok<{ pools: Pool[] }>('vsphere_list_resource_pools', { owner: 'DC0_H0' });
    assert.ok(only.pools.length >= 1 && only.pools.every((p) => p.owner === 'DC0_H0'), 'the owner filter lists only DC0_H0\'s pools, at least one');
  });

  it('vsphere_list_tasks shows a task the test just ran, newest first', async () => {
    // Suspend and resume one VM so vCenter has recent tasks on it.
    const vm = 'DC0_H0_VM1';
    await ctx.s.ok('vsphere_power', { vm, action: 'suspend' });
    await ctx.s.ok('vsphere_power', { vm, action: 'on' });
    const all = await ctx.s.ok<{ tasks: Task[]; total: number }>('vsphere_list_tasks', {});
    const r = await ctx.s.ok<{ tasks: Task[]; total: number }>('vsphere_list_tasks', { entity: vm });
    assert.ok(r.total >= 2, JSON.stringify(all));
    assert.ok(r.tasks.length >= 2, JSON.stringify(r));
    assert.ok(r.tasks.every((t) => t.entity === vm && t.state === 'success'), JSON.stringify(r.tasks));
    assert.ok(r.tasks.some((t) => /powerOn|PowerOn/.test(t.operation ?? '')), JSON.stringify(r.tasks));
    const errors = await ctx.s.ok<{ tasks: Task[] }>('vsphere_list_tasks', { state: 'error' });
    assert.ok(errors.tasks.every((t) => t.state === 'error'), 'the state filter lists only failed tasks');
  });

  it('vsphere_list_alarms answers with the triggered alarm states (none in vcsim)', async () => {
    const r = await ctx.s.ok<{ alarms: unknown[]; total: number }>('vsphere_list_alarms', {});
    assert.deepEqual(r, { alarms: [], total: 0 });
    const scoped = await ctx.s.ok<{ alarms: unknown[] }>('vsphere_list_alarms', { entity: 'DC0_C0', status: 'red' });
    assert.deepEqual(scoped.alarms, []);
  });

  it('vsphere_browse_datastore lists VM folders and their files, and refuses a path that climbs out', async () => {
    const top = await ctx.s.ok<{ folder: string; files: { path: string; type: string }[]; total: number }>('vsphere_browse_datastore', { datastore: 'LocalDS_0' });
    assert.equal(top.folder, '[LocalDS_0]');
    const folders = top.files.filter((f) => f.type === 'folder').map((f) => f.path);
    assert.ok(folders.includes('[LocalDS_0] DC0_H0_VM0'), JSON.stringify(top.files));
    const vmDir = await ctx.s.ok<{ files: { path: string; type: string }[] }>('vsphere_browse_datastore', { datastore: 'LocalDS_0', path: 'DC0_H0_VM0' });
    assert.ok(vmDir.files.some((f) => f.type === 'vmx' || f.path.endsWith('.vmx')), JSON.stringify(vmDir.files));
    const deep = await ctx.s.ok<{ files: { path: string }[] }>('vsphere_browse_datastore', { datastore: 'LocalDS_0', recursive: true, pattern: '*.vmx' });
    assert.ok(deep.files.length >= 1 && deep.files.every((f) => f.path.endsWith('.vmx')), JSON.stringify(deep.files));
    // Security: ".." never reaches vCenter.
    const escape = await ctx.s.client.callTool({ name: 'vsphere_browse_datastore', arguments: { datastore: 'LocalDS_0', path: '../etc' } });
    assert.equal(escape.isError, true);
  });

  it('vsphere_get_metrics returns CPU, memory, disk and network samples for a VM and a host', async () => {
    type Series = { metric: string; unit: string; samples: { t: string; v: number }[]; avg?: number; latest?: number };
    const vm = await ctx.s.ok<{ entity: string; type: string; intervalSeconds: number; series: Series[] }>('vsphere_get_metrics', { entity: 'DC0_H0_VM0', minutes: 10 });
    assert.equal(vm.type, 'VirtualMachine');
    assert.equal(vm.intervalSeconds, 20);
    assert.deepEqual(vm.series.map((s) => s.metric), ['cpu', 'memory', 'disk', 'network']);
    for (const s of vm.series) {
      assert.equal(s.samples.length, 30, s.metric); // 10 min of 20 s samples
      assert.ok(s.samples.every((x, i) => i === 0 || x.t >= s.samples[i - 1]!.t), 'oldest first');
      assert.equal(s.latest, s.samples.at(-1)!.v);
    }
    const host = await ctx.s.ok<{ type: string; series: Series[] }>('vsphere_get_metrics', { entity: 'DC0_H0', metrics: ['cpuMhz'], interval: '5min', minutes: 60 });
    assert.equal(host.type, 'HostSystem');
    assert.equal(host.series[0]!.samples.length, 12);
    const wrong = await ctx.s.client.callTool({ name: 'vsphere_get_metrics', arguments: { entity: 'LocalDS_0' } });
    assert.equal(wrong.isError, true);
  });

  it('vsphere_list_tags lists categories and tags with the objects they are attached to (vAPI REST session from the same login)', async () => {
    // Plant a category, two tags and an attachment through vcsim's vAPI, as an admin would in the UI.
    const admin = await vapiRest(ctx.vcsim);
    try {
      const rest = (path: string, body: unknown) => admin.rest('POST', path, body);
      const cat = await rest('/com/vmware/cis/tagging/category', { create_spec: { name: 'Environment', description: 'where it runs', cardinality: 'SINGLE', associable_types: ['VirtualMachine'] } });
      const prod = String(await rest('/com/vmware/cis/tagging/tag', { create_spec: { name: 'prod', description: 'production', category_id: cat } }));
      await rest('/com/vmware/cis/tagging/tag', { create_spec: { name: 'test', category_id: cat } });
      const vms = await ctx.s.ok<{ vms: { name: string; moref: string }[] }>('vsphere_list_vms', { name: 'DC0_H0_VM0' });
      await rest(`/com/vmware/cis/tagging/tag-association/id:${prod}?~action=attach`, { object_id: { id: vms.vms[0]!.moref, type: 'VirtualMachine' } });
    } finally {
      await admin.close();
    }
    type Tags = { categories: { name: string; cardinality?: string; associableTypes: string[] }[]; tags: { name: string; category: string; description?: string; objects?: { type: string; moref: string }[] }[]; total: number };
    const r = await ctx.s.ok<Tags>('vsphere_list_tags', {});
    assert.deepEqual(r.categories.map((c) => [c.name, c.cardinality, c.associableTypes]), [['Environment', 'SINGLE', ['VirtualMachine']]]);
    const vm0 = (await ctx.s.ok<{ vms: { moref: string }[] }>('vsphere_list_vms', { name: 'DC0_H0_VM0' })).vms[0]!.moref;
    assert.deepEqual(r.tags.map((t) => [t.category, t.name, t.objects]), [['Environment', 'prod', [{ type: 'VirtualMachine', moref: vm0 }]], ['Environment', 'test', []]]);
    // Tags as a filter of vsphere_list_vms, by name and by category/name.
    for (const tag of ['prod', 'environment/PROD']) {
      const tagged = await ctx.s.ok<{ vms: { name: string }[]; total: number }>('vsphere_list_vms', { tag });
      assert.deepEqual(tagged.vms.map((v) => v.name), ['DC0_H0_VM0'], tag);
    }
    assert.equal((await ctx.s.ok<{ total: number }>('vsphere_list_vms', { tag: 'test' })).total, 0);
    const unknown = await ctx.s.client.callTool({ name: 'vsphere_list_vms', arguments: { tag: 'nope' } });
    assert.equal(unknown.isError, true);
    assert.match(JSON.stringify(unknown.content), /vsphere_list_tags/);
    const only = await ctx.s.ok<Tags>('vsphere_list_tags', { name: 'pro*', withObjects: false });
    assert.deepEqual(only.tags.map((t) => [t.name, t.objects]), [['prod', undefined]]);
    // A category that is not there says so, and what to do, rather than reading as one without tags.
    const none = await ctx.s.client.callTool({ name: 'vsphere_list_tags', arguments: { category: 'Enviroment' } });
    assert.match(JSON.stringify(none.content), /0 tag\(s\): no category named \\"Enviroment\\"; leave category out to list them all/);
  });

  it('vsphere_list_library_items lists content libraries and their items', async () => {
    const admin = await vapiRest(ctx.vcsim);
    try {
      const rest = (path: string, body: unknown) => admin.rest('POST', path, body);
      const ds = (await ctx.s.ok<{ datastores: { name: string; moref: string }[] }>('vsphere_list_datastores', {})).datastores[0]!.moref;
      const lib = await rest('/com/vmware/content/local-library', { create_spec: { name: 'Templates', type: 'LOCAL', storage_backings: [{ datastore_id: ds, type: 'DATASTORE' }] } });
      await rest('/com/vmware/content/library/item', { create_spec: { library_id: lib, name: 'ubuntu-24.04', type: 'ovf', description: 'base image' } });
      await rest('/com/vmware/content/library/item', { create_spec: { library_id: lib, name: 'tools.iso', type: 'iso' } });
    } finally {
      await admin.close();
    }
    type Lib = { libraries: { name: string; items: number }[]; items: { name: string; library: string; type?: string; description?: string }[]; total: number };
    const r = await ctx.s.ok<Lib>('vsphere_list_library_items', {});
    assert.deepEqual(r.libraries.map((l) => [l.name, l.items]), [['Templates', 2]]);
    assert.deepEqual(r.items.map((i) => [i.library, i.name, i.type]), [['Templates', 'tools.iso', 'iso'], ['Templates', 'ubuntu-24.04', 'ovf']]);
    const ovf = await ctx.s.ok<Lib>('vsphere_list_library_items', { library: 'templates', type: 'ovf' });
    assert.deepEqual(ovf.items.map((i) => [i.name, i.description]), [['ubuntu-24.04', 'base image']]);
    const none = await ctx.s.client.callTool({ name: 'vsphere_list_library_items', arguments: { library: 'Templtes' } });
    assert.match(JSON.stringify(none.content), /0 item\(s\): no content library named \\"Templtes\\"; leave library out to list them all/);
  });
});
