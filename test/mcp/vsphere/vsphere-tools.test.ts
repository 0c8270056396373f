// The vSphere tools over a real SDK Client and InMemoryTransport, against vcsim over HTTPS
// with its certificate pinned. Expected values come from the inventory vcsim was started
// with (reference §12 naming), never from our own earlier output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useVcsimServer } from './use-vcsim-server.js';
import { createUpstreamDispatcher, vsphereLogout } from '../../../src/connectors/vsphere/index.js';

// 3 VMs per pool; one standalone host and one cluster of two hosts.
const VMS = 3;
const STANDALONE_VMS = Array.from({ length: VMS }, (_, i) => `DC0_H0_VM${i}`);
const CLUSTER_VMS = Array.from({ length: VMS }, (_, i) => `DC0_C0_RP0_VM${i}`);
const ALL_VMS = [...STANDALONE_VMS, ...CLUSTER_VMS].sort();
const HOSTS = ['DC0_C0_H0', 'DC0_C0_H1', 'DC0_H0'];

interface VmRow { name: string; moref: string; powerState: string; numCpu?: number; memoryMB?: number; host?: string; cluster?: string; datacenter?: string }
interface VmList { vms: VmRow[]; total: number; nextCursor?: string }

describe('vSphere tools against vcsim', () => {
  const ctx = useVcsimServer({ vms: VMS, clusters: 1, hosts: 2, standalone: 1 });

  it('lists every tool with a described input, an output schema and all four annotations', async () => {
    const { tools } = await ctx.s.client.listTools();
    for (const t of tools) {
      assert.ok(t.outputSchema, `${t.name} has an outputSchema`);
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        assert.equal(typeof t.annotations?.[hint], 'boolean', `${t.name} sets ${hint}`);
      }
      for (const [field, schema] of Object.entries((t.inputSchema.properties ?? {}) as Record<string, { description?: string }>)) {
        assert.ok(schema.description, `${t.name}.${field} is described`);
      }
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    assert.equal(byName.get('vsphere_power')?.annotations?.destructiveHint, true);
    assert.equal(byName.get('vsphere_snapshot_create')?.annotations?.destructiveHint, false);
    assert.equal(byName.get('vsphere_snapshot_create')?.annotations?.readOnlyHint, false);
    assert.equal(byName.get('vsphere_list_vms')?.annotations?.readOnlyHint, true);
  });

  it('vsphere_list_vms returns the inventory vcsim was started with', async () => {
    const r = await ctx.s.ok<VmList>('vsphere_list_vms', {});
    assert.equal(r.total, ALL_VMS.length);
    assert.deepEqual(r.vms.map((v) => v.name), ALL_VMS);
    for (const v of r.vms) {
      assert.equal(v.powerState, 'poweredOn');
      assert.equal(v.numCpu, 1);
      assert.equal(v.memoryMB, 32);
      assert.equal(v.datacenter, 'DC0');
      assert.match(v.moref, /^vm-\d+$/);
    }
    for (const v of r.vms.filter((x) => x.name.startsWith('DC0_H0_'))) assert.equal(v.host, 'DC0_H0');
    for (const v of r.vms.filter((x) => x.name.startsWith('DC0_C0_'))) {
      assert.equal(v.cluster, 'DC0_C0');
      assert.match(v.host ?? '', /^DC0_C0_H[01]$/);
    }
  });

  it('vsphere_list_vms filters by name glob, substring, host, cluster and datacenter', async () => {
    const names = async (args: Record<string, unknown>) => (await ctx.s.ok<VmList>('vsphere_list_vms', args)).vms.map((v) => v.name);
    assert.deepEqual(await names({ name: 'DC0_H0_*' }), STANDALONE_VMS);
    assert.deepEqual(await names({ name: 'rp0_vm1' }), ['DC0_C0_RP0_VM1']);
    assert.deepEqual(await names({ host: 'DC0_H0' }), STANDALONE_VMS);
    assert.deepEqual(await names({ cluster: 'DC0_C0' }), CLUSTER_VMS);
    assert.deepEqual(await names({ datacenter: 'DC0' }), ALL_VMS);
    assert.deepEqual(await names({ datacenter: 'nope' }), []);
    assert.deepEqual(await names({ powerState: 'poweredOff' }), []);
  });

  it('vsphere_list_vms pages with limit and cursor, and refuses a cursor from another query', async () => {
    const first = await ctx.s.ok<VmList>('vsphere_list_vms', { limit: 4 });
    assert.equal(first.vms.length, 4);
    assert.equal(first.total, ALL_VMS.length);
    assert.ok(first.nextCursor, 'the first page of four has a next cursor');
    const second = await ctx.s.ok<VmList>('vsphere_list_vms', { limit: 4, cursor: first.nextCursor });
    assert.deepEqual([...first.vms, ...second.vms].map((v) => v.name), ALL_VMS);
    assert.equal(second.nextCursor, undefined);
    const wrong = await ctx.s.call('vsphere_list_vms', { limit: 4, cursor: first.nextCursor, name: 'DC0' });
    assert.equal(wrong.isError, true);
    assert.match(JSON.stringify(wrong.content), /different query/);
    const bad = await ctx.s.call('vsphere_list_vms', { cursor: 'garbage' });
    assert.equal(bad.isError, true);
  });

  it('renews a session killed behind its back and the call still succeeds', async () => {
    const stale = await ctx.tokens.current();
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: ctx.vcsim.fingerprintSha256 });
    await vsphereLogout({ url: ctx.vcsim.url, cookie: stale, dispatcher });
    await dispatcher.close();
    const before = ctx.tokens.renewals.length;
    const logins = ctx.tokens.logins();
    const r = await ctx.s.ok<VmList>('vsphere_list_vms', {});
    assert.equal(r.total, ALL_VMS.length);
    // The tool reads several object types at once; each sees the dead session and asks for
    // a renewal of the same stale cookie, and the token source logs in once for all of them.
    const asked = ctx.tokens.renewals.slice(before);
    assert.ok(asked.length >= 1 && asked.every((c) => c === stale), JSON.stringify(asked.length));
    assert.equal(ctx.tokens.logins(), logins + 1);
  });

  it('vsphere_get_vm by name and by moref', async () => {
    const vm = await ctx.s.ok<Record<string, unknown> & { nics: unknown[]; disks: unknown[]; datastores: string[] }>('vsphere_get_vm', { vm: 'DC0_H0_VM0' });
    assert.equal(vm['name'], 'DC0_H0_VM0');
    assert.equal(vm['host'], 'DC0_H0');
    assert.equal(vm['powerState'], 'poweredOn');
    assert.equal(vm['numCpu'], 1);
    assert.equal(vm['memoryMB'], 32);
    assert.ok(vm.nics.length >= 1, 'vcsim VMs have a NIC');
    assert.ok(vm.disks.length >= 1, 'vcsim VMs have a disk');
    assert.deepEqual(vm.datastores, ['LocalDS_0']);
    const again = await ctx.s.ok<Record<string, unknown>>('vsphere_get_vm', { vm: vm['moref'] as string });
    assert.equal(again['name'], 'DC0_H0_VM0');
    const missing = await ctx.s.call('vsphere_get_vm', { vm: 'no-such-vm' });
    assert.equal(missing.isError, true);
    assert.match(JSON.stringify(missing.content), /no VM named/);
  });

  it('vsphere_list_hosts and vsphere_get_host', async () => {
    const r = await ctx.s.ok<{ hosts: { name: string; cluster?: string; connectionState: string; vmCount: number; memoryCapacityMB?: number }[]; total: number }>('vsphere_list_hosts', {});
    assert.deepEqual(r.hosts.map((h) => h.name), HOSTS);
    assert.equal(r.total, HOSTS.length);
    for (const h of r.hosts) assert.equal(h.connectionState, 'connected');
    assert.equal(r.hosts.find((h) => h.name === 'DC0_H0')?.cluster, undefined);
    assert.equal(r.hosts.find((h) => h.name === 'DC0_C0_H0')?.cluster, 'DC0_C0');
    assert.equal(r.hosts.find((h) => h.name === 'DC0_H0')?.vmCount, VMS);
    const h = await ctx.s.ok<{ name: string; vms: string[] }>('vsphere_get_host', { host: 'DC0_H0' });
    assert.deepEqual(h.vms, STANDALONE_VMS);
    const clustered = await ctx.s.ok<{ hosts: unknown[] }>('vsphere_list_hosts', { cluster: 'DC0_C0' });
    assert.equal(clustered.hosts.length, 2);
  });

  it('vsphere_power: off → on → reset round trip, and powering off an off VM is a clean tool error', async () => {
    const vm = 'DC0_H0_VM1';
    const off = await ctx.s.ok<{ previousState: string; powerState: string }>('vsphere_power', { vm, action: 'off' });
    assert.deepEqual([off.previousState, off.powerState], ['poweredOn', 'poweredOff']);
    const listed = await ctx.s.ok<VmList>('vsphere_list_vms', { powerState: 'poweredOff' });
    assert.deepEqual(listed.vms.map((v) => v.name), [vm]);

    const again = await ctx.s.call('vsphere_power', { vm, action: 'off' });
    assert.equal(again.isError, true);
    const text = JSON.stringify(again.content);
    assert.match(text, /InvalidPowerState/);
    assert.match(text, /poweredOff/);
    assert.match(text, /DC0_H0_VM1/);

    const on = await ctx.s.ok<{ powerState: string }>('vsphere_power', { vm, action: 'on' });
    assert.equal(on.powerState, 'poweredOn');
    const reset = await ctx.s.ok<{ previousState: string; powerState: string }>('vsphere_power', { vm, action: 'reset' });
    assert.deepEqual([reset.previousState, reset.powerState], ['poweredOn', 'poweredOn']);
    const suspended = await ctx.s.ok<{ powerState: string }>('vsphere_power', { vm, action: 'suspend' });
    assert.equal(suspended.powerState, 'suspended');
    assert.equal((await ctx.s.ok<{ powerState: string }>('vsphere_power', { vm, action: 'on' })).powerState, 'poweredOn');
  });

  it('vsphere_power guest actions: reboot that vCenter refuses is a clean error, shutdown settles off', async () => {
    const vm = 'DC0_C0_RP0_VM0';
    const reboot = await ctx.s.call('vsphere_power', { vm, action: 'reboot_guest' });
    assert.equal(reboot.isError, true);
    // ctx.vcsim 0.24.2 lacks RebootGuest (MethodNotFound); vCenter answers ToolsUnavailable. Either way: a clean error naming the VM.
    assert.match(JSON.stringify(reboot.content), /reboot guest of VM DC0_C0_RP0_VM0 failed.*(ToolsUnavailable|MethodNotFound)/);
    const down = await ctx.s.ok<{ powerState: string; settled: boolean }>('vsphere_power', { vm, action: 'shutdown_guest' });
    assert.deepEqual([down.powerState, down.settled], ['poweredOff', true]);
    const again = await ctx.s.call('vsphere_power', { vm, action: 'shutdown_guest' });
    assert.equal(again.isError, true, 'a guest shutdown of an off VM is refused');
    assert.equal((await ctx.s.ok<{ powerState: string }>('vsphere_power', { vm, action: 'on' })).powerState, 'poweredOn');
  });

  it('snapshot create → list → revert → delete', async () => {
    const vm = 'DC0_C0_RP0_VM2';
    assert.equal((await ctx.s.ok<{ total: number }>('vsphere_list_snapshots', { vm })).total, 0);
    const a = await ctx.s.ok<{ snapshot: string }>('vsphere_snapshot_create', { vm, name: 'before-upgrade', description: 'first' });
    assert.match(a.snapshot, /^snapshot-/);
    const b = await ctx.s.ok<{ snapshot: string }>('vsphere_snapshot_create', { vm, name: 'after-upgrade' });
    type Snaps = { snapshots: { name: string; moref: string; parent?: string; current: boolean; depth: number }[]; total: number };
    const listed = await ctx.s.ok<Snaps>('vsphere_list_snapshots', { vm });
    assert.deepEqual(listed.snapshots.map((x) => [x.name, x.depth, x.current]), [['before-upgrade', 0, false], ['after-upgrade', 1, true]]);
    assert.equal(listed.snapshots[1]!.parent, a.snapshot);

    const reverted = await ctx.s.ok<{ snapshot: string }>('vsphere_snapshot_revert', { vm, snapshot: 'before-upgrade' });
    assert.equal(reverted.snapshot, a.snapshot);
    const afterRevert = await ctx.s.ok<Snaps>('vsphere_list_snapshots', { vm });
    assert.equal(afterRevert.snapshots.find((x) => x.current)?.moref, a.snapshot);

    await ctx.s.ok('vsphere_snapshot_delete', { vm, snapshot: b.snapshot });
    assert.deepEqual((await ctx.s.ok<Snaps>('vsphere_list_snapshots', { vm })).snapshots.map((x) => x.name), ['before-upgrade']);
    await ctx.s.ok('vsphere_snapshot_delete', { vm, snapshot: 'before-upgrade' });
    assert.equal((await ctx.s.ok<Snaps>('vsphere_list_snapshots', { vm })).total, 0);
    const gone = await ctx.s.call('vsphere_snapshot_delete', { vm, snapshot: 'before-upgrade' });
    assert.equal(gone.isError, true);
    assert.match(JSON.stringify(gone.content), /has no snapshot/);
  });
});
