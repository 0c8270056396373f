// Clusters, datacenters, datastores, folders, networks, VLANs and events against vcsim's
// VPX model (reference §12: DC0, cluster DC0_C0, LocalDS_0, VM Network, DVS0 with
// DC0_DVPG0 and an uplink port group).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useVcsimServer } from './use-vcsim-server.js';

const VMS = 2;
const ALL_VMS = ['DC0_C0_RP0_VM0', 'DC0_C0_RP0_VM1', 'DC0_H0_VM0', 'DC0_H0_VM1'];

describe('vSphere inventory tools against vcsim', () => {
  const ctx = useVcsimServer({ vms: VMS, clusters: 1, hosts: 2, standalone: 1 });

  it('vsphere_list_clusters shows the cluster, its hosts and DRS', async () => {
    const r = await ctx.s.ok<{ clusters: { name: string; hosts: string[]; numHosts?: number; drsEnabled?: boolean; datacenter?: string }[]; total: number }>('vsphere_list_clusters');
    assert.equal(r.total, 1);
    const [c] = r.clusters;
    assert.equal(c!.name, 'DC0_C0');
    assert.deepEqual(c!.hosts, ['DC0_C0_H0', 'DC0_C0_H1']);
    assert.equal(c!.numHosts, 2);
    assert.equal(c!.drsEnabled, true);
    assert.equal(c!.datacenter, 'DC0');
  });

  it('vsphere_list_datacenters and vsphere_get_datacenter count what DC0 holds', async () => {
    const list = await ctx.s.ok<{ datacenters: { name: string; moref: string }[]; total: number }>('vsphere_list_datacenters');
    assert.deepEqual(list.datacenters.map((d) => d.name), ['DC0']);
    const dc = await ctx.s.ok<{ vms: number; hosts: number; clusters: number; datastores: number }>('vsphere_get_datacenter', { datacenter: list.datacenters[0]!.moref });
    assert.deepEqual([dc.vms, dc.hosts, dc.clusters, dc.datastores], [ALL_VMS.length, 3, 1, 1]);
  });

  it('vsphere_list_datastores and vsphere_get_datastore', async () => {
    const r = await ctx.s.ok<{ datastores: { name: string; capacityGB?: number; freeGB?: number; usedPercent?: number; accessible?: boolean }[] }>('vsphere_list_datastores');
    assert.deepEqual(r.datastores.map((d) => d.name), ['LocalDS_0']);
    const ds = r.datastores[0]!;
    assert.equal(ds.accessible, true);
    assert.ok((ds.capacityGB ?? 0) > 0 && (ds.freeGB ?? -1) >= 0, 'the datastore has a capacity and a free size');
    assert.ok((ds.usedPercent ?? -1) >= 0 && (ds.usedPercent ?? 101) <= 100, 'the datastore\'s used percent is between 0 and 100');
    const one = await ctx.s.ok<{ vms: string[] }>('vsphere_get_datastore', { datastore: 'LocalDS_0' });
    assert.deepEqual(one.vms, ALL_VMS);
  });

  it('vsphere_list_folders by type and vsphere_get_folder', async () => {
    const vmFolders = await ctx.s.ok<{ folders: { name: string; kinds: string[] }[] }>('vsphere_list_folders', { type: 'vm' });
    assert.deepEqual(vmFolders.folders.map((f) => f.name), ['vm']);
    const hostFolders = await ctx.s.ok<{ folders: { name: string }[] }>('vsphere_list_folders', { type: 'host' });
    assert.deepEqual(hostFolders.folders.map((f) => f.name), ['host']);
    const folder = await ctx.s.ok<{ children: { name: string; type: string }[]; childCount: number }>('vsphere_get_folder', { folder: 'vm' });
    assert.deepEqual(folder.children.map((c) => c.name), ALL_VMS);
    assert.equal(folder.childCount, ALL_VMS.length);
    const byFolder = await ctx.s.ok<{ vms: { name: string }[] }>('vsphere_list_vms', { folder: 'vm' });
    assert.deepEqual(byFolder.vms.map((v) => v.name), ALL_VMS);
  });

  it('vsphere_list_networks, vsphere_get_network and vsphere_list_vlans', async () => {
    const r = await ctx.s.ok<{ networks: { name: string; kind: string; vlan?: string; switch?: string }[] }>('vsphere_list_networks');
    const byName = new Map(r.networks.map((n) => [n.name, n]));
    assert.equal(byName.get('VM Network')?.kind, 'standard');
    assert.equal(byName.get('DC0_DVPG0')?.kind, 'distributed');
    assert.equal(byName.get('DC0_DVPG0')?.switch, 'DVS0');
    assert.ok(r.networks.some((n) => /^DVS0-DVUplinks-/.test(n.name)), 'the DVS uplink port group is listed');
    const distributed = await ctx.s.ok<{ networks: { name: string }[] }>('vsphere_list_networks', { kind: 'distributed' });
    assert.ok(distributed.networks.every((n) => n.name !== 'VM Network'), 'kind distributed leaves the standard VM Network out');
    const pg = await ctx.s.ok<{ hosts: string[]; vlan?: string }>('vsphere_get_network', { network: 'DC0_DVPG0' });
    assert.deepEqual(pg.hosts, ['DC0_C0_H0', 'DC0_C0_H1', 'DC0_H0']);
    const vlans = await ctx.s.ok<{ vlans: { vlan: string; portgroups: { name: string }[] }[] }>('vsphere_list_vlans');
    const untagged = vlans.vlans.find((v) => v.vlan === pg.vlan);
    assert.ok(untagged?.portgroups.some((p) => p.name === 'DC0_DVPG0'), JSON.stringify(vlans));
  });

  it('vsphere_recent_events shows a power-off we caused, newest first', async () => {
    await ctx.s.ok('vsphere_power', { vm: 'DC0_H0_VM0', action: 'off' });
    const r = await ctx.s.ok<{ events: { key?: number; type: string; vm?: string }[] }>('vsphere_recent_events', { entity: 'DC0_H0_VM0', maxCount: 10 });
    assert.ok(r.events.some((e) => e.type === 'VmPoweredOffEvent' && e.vm === 'DC0_H0_VM0'), JSON.stringify(r.events.map((e) => e.type)));
    const keys = r.events.map((e) => e.key ?? 0);
    assert.deepEqual(keys, [...keys].sort((a, b) => b - a));
    const all = await ctx.s.ok<{ events: unknown[] }>('vsphere_recent_events', { maxCount: 3 });
    assert.equal(all.events.length, 3);
    await ctx.s.ok('vsphere_power', { vm: 'DC0_H0_VM0', action: 'on' });
  });
});
