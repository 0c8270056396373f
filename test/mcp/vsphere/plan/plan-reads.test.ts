// What the vSphere write plans read from vCenter (vcsim), and the re-check of an approved call:
// the VM as a plan describes it (identity, power, size, host, snapshots, policy facts), where a
// clone or a migrated VM goes when no pool is named, a host's VMs before maintenance, tags as
// `category:name`, and the "changed since you approved" sentence with its words for each value.
// The plans' words from that state are in plan-words.test.ts. vcsim starts in well under a
// second, so this file stays in the `vsphere-plans` mutation area: it is the only fast test of
// the read functions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isMoRef, moRefElement, xmlElement, type ManagedObjectRef } from '../../../../src/connectors/vsphere/index.js';
import type { Precondition } from '../../../../src/base/contracts/plan-protocol.js';
import type { VsphereClients } from '../../../../src/mcp/vsphere/endpoint-clients.js';
import { findEntity } from '../../../../src/mcp/vsphere/inventory/find-entity.js';
import { taskRef } from '../../../../src/mcp/vsphere/inventory/task-ref.js';
import { clonePlan, nameTaken, readClone } from '../../../../src/mcp/vsphere/plan/clone-plan.js';
import { maintenancePlan, readHostMaintenance } from '../../../../src/mcp/vsphere/plan/maintenance-plan.js';
import { migratePlan, readMigrate } from '../../../../src/mcp/vsphere/plan/migrate-plan.js';
import { recheckVsphere } from '../../../../src/mcp/vsphere/plan/recheck-vsphere.js';
import { readVmSize } from '../../../../src/mcp/vsphere/plan/reconfigure-plan.js';
import { readVmFacts } from '../../../../src/mcp/vsphere/plan/vm-facts.js';
import { readVmState } from '../../../../src/mcp/vsphere/plan/vm-state.js';
import { readVmTags, vmTagReader } from '../../../../src/mcp/vsphere/plan/vm-tags.js';
import { rootPoolOf, useVcsimClients } from '../use-vcsim-clients.js';

const TAIL = 'Nothing was run; call the tool again to see a fresh plan and approve that.';
const refused = async (p: Promise<unknown>, message: string | RegExp) => assert.rejects(p, (e: Error) => e.name === 'VsphereToolError' && (typeof message === 'string' ? e.message === message : message.test(e.message)), String(message));

describe('what the vSphere plans read (vcsim)', () => {
  const sim = useVcsimClients({ vms: 2, clusters: 1, hosts: 2, standalone: 1 });
  const ref = (type: string, name: string) => sim.admin.ref(type, name);
  const value = async (type: string, name: string) => (await ref(type, name)).value;
  const waitTask = async (method: string, on: ManagedObjectRef, params = '') => sim.admin.client.waitForTask(taskRef(await sim.admin.client.invoke(method, on, params), method), { deadlineMs: 60_000 });
  const newFolder = async (parent: ManagedObjectRef, name: string): Promise<ManagedObjectRef> => {
    const res = await sim.admin.client.invoke('CreateFolder', parent, xmlElement('name', name));
    return { type: 'Folder', value: res.children.find((c) => c.local === 'returnval')?.text ?? '' };
  };
  const moveInto = async (folder: ManagedObjectRef, vm: string) => waitTask('MoveIntoFolder_Task', folder, moRefElement('list', await ref('VirtualMachine', vm)));
  const hostOf = async (vm: string) => {
    const h = (await sim.admin.props('VirtualMachine', vm, ['runtime.host']))['runtime.host'] as ManagedObjectRef;
    return String((await sim.admin.client.retrieveObjects([h], ['name']))[0]?.props['name']);
  };

  describe('a VM as a plan reads it', () => {
    it('by name or moref: identity, power, CPUs, host, guest tools, snapshots, precondition values and policy facts', async () => {
      const id = await value('VirtualMachine', 'DC0_H0_VM0');
      for (const vm of ['DC0_H0_VM0', id]) {
        const s = await readVmState(sim.client, vm);
        assert.deepEqual(s, {
          ref: { type: 'VirtualMachine', value: id },
          name: 'DC0_H0_VM0',
          powerState: 'poweredOn',
          numCpu: 1,
          host: 'DC0_H0',
          toolsRunning: false,
          snapshots: [],
          values: { 'config.changeVersion': '', 'runtime.powerState': 'poweredOn', snapshot: '' },
          facts: { powerState: 'poweredOn', guestId: 'otherGuest', guestOs: 'otherGuest', host: 'DC0_H0', folder: '', resourcePool: 'Resources' },
        });
      }
      await refused(readVmState(sim.client, 'no-such-vm'), /^no VM named "no-such-vm"/);
    });

    it("a VM in a cluster has the cluster as a fact; a VM in folders has the folder path under the datacenter's VM folder", async () => {
      const [dc] = await sim.admin.client.retrieveObjects([await ref('Datacenter', 'DC0')], ['vmFolder']);
      const lab = await newFolder(dc!.props['vmFolder'] as ManagedObjectRef, 'Lab');
      await moveInto(await newFolder(lab, 'web'), 'DC0_C0_RP0_VM0');
      const s = await readVmState(sim.client, 'DC0_C0_RP0_VM0');
      const host = await hostOf('DC0_C0_RP0_VM0');
      assert.deepEqual(s.facts, { powerState: 'poweredOn', guestId: 'otherGuest', guestOs: 'otherGuest', host, folder: 'Lab/web', resourcePool: 'Resources', cluster: 'DC0_C0' });
      assert.equal(s.host, host);
    });

    it('a folder path is read up to 31 folders deep; a deeper chain leaves the fact out, never a cut path', async () => {
      const [dc] = await sim.admin.client.retrieveObjects([await ref('Datacenter', 'DC0')], ['vmFolder']);
      const chain: ManagedObjectRef[] = [];
      let parent = dc!.props['vmFolder'] as ManagedObjectRef;
      for (let i = 1; i <= 31; i++) chain.push((parent = await newFolder(parent, `d${i}`)));
      const names = chain.map((_, i) => `d${i + 1}`);
      await moveInto(chain[29]!, 'DC0_H0_VM1');
      assert.equal((await readVmState(sim.client, 'DC0_H0_VM1')).facts['folder'], names.slice(0, 30).join('/'));
      await moveInto(chain[30]!, 'DC0_H0_VM1');
      const deep = await readVmState(sim.client, 'DC0_H0_VM1');
      assert.equal('folder' in deep.facts, false, JSON.stringify(deep.facts));
      assert.equal(deep.facts['resourcePool'], 'Resources', 'the other facts are still read');
      await moveInto(dc!.props['vmFolder'] as ManagedObjectRef, 'DC0_H0_VM1');
    });

    it('facts vCenter did not give are left out, never guessed (Security: a rule that needs one then cannot allow)', async () => {
      const host = await ref('HostSystem', 'DC0_H0');
      assert.deepEqual(await readVmFacts(sim.client, {}, {}, 'unknown'), {});
      assert.deepEqual(await readVmFacts(sim.client, { 'config.guestId': '', 'config.guestFullName': '' }, { name: '' }, ''), {});
      assert.deepEqual(await readVmFacts(sim.client, { 'config.guestId': 5 as never, 'config.guestFullName': true as never }, {}, 'poweredOff'), { powerState: 'poweredOff' });
      // A parent that is not a folder (a vApp member) has no folder path; a standalone host no cluster.
      assert.deepEqual(await readVmFacts(sim.client, { parent: { type: 'VirtualApp', value: 'resgroup-v9' } }, { ref: host, name: 'DC0_H0' }, 'poweredOn'), { powerState: 'poweredOn', host: 'DC0_H0' });
      // A folder outside any datacenter (the root folder's own parent chain) has no path either.
      const root = (await sim.admin.client.retrieveObjects([await ref('Datacenter', 'DC0')], ['parent']))[0]!.props['parent'] as ManagedObjectRef;
      assert.deepEqual(await readVmFacts(sim.client, { parent: root }, {}, ''), {});
      // A pool whose name cannot be read is left out.
      assert.deepEqual(await readVmFacts(sim.client, { resourcePool: { type: 'ResourcePool', value: 'resgroup-999999' } }, {}, ''), {});
    });

    it('tags are a fact only when read: a reader that fails or cannot tell leaves them out', async () => {
      const vm = await ref('VirtualMachine', 'DC0_H0_VM0');
      const facts = (tags: () => Promise<string[] | undefined>) => readVmFacts(sim.client, {}, {}, '', { ref: vm, tags });
      assert.deepEqual(await facts(async () => ['env:test']), { tags: ['env:test'] });
      assert.deepEqual(await facts(async () => []), { tags: [] });
      assert.deepEqual(await facts(async () => undefined), {});
      assert.deepEqual(await facts(async () => Promise.reject(new Error('vAPI down'))), {});
      const seen: string[] = [];
      await readVmFacts(sim.client, {}, {}, '', { ref: vm, tags: async (r) => (seen.push(r.value), []) });
      assert.deepEqual(seen, [vm.value], 'the tags of this VM');
    });

    it("a VM's tags as sorted category:name, [] without tags; through the endpoint's vAPI session", async () => {
      await sim.admin.attachTag(await sim.admin.createTag('owner', 'team-a'), 'DC0_C0_RP0_VM1');
      await sim.admin.attachTag(await sim.admin.createTag('env', 'test'), 'DC0_C0_RP0_VM1');
      const vapi = await sim.clients.vapi('vc', undefined);
      assert.deepEqual(await readVmTags(vapi, await ref('VirtualMachine', 'DC0_C0_RP0_VM1')), ['env:test', 'owner:team-a']);
      assert.deepEqual(await readVmTags(vapi, await ref('VirtualMachine', 'DC0_H0_VM0')), []);
      const endpoints: (string | undefined)[] = [];
      const reader = vmTagReader({ vapi: async (e) => (endpoints.push(e), sim.clients.vapi(e, undefined)) }, 'vc');
      assert.deepEqual((await readVmState(sim.client, 'DC0_C0_RP0_VM1', reader)).facts['tags'], ['env:test', 'owner:team-a']);
      assert.deepEqual(endpoints, ['vc']);
    });

    it('tags that would make the fact incomplete leave it out: a fact longer than 256 characters, more than 100 tags', async () => {
      const vapi = await sim.clients.vapi('vc', undefined);
      // "c:" and a name of 254 characters make 256: kept; one more is left out.
      await sim.admin.attachTag(await sim.admin.createTag('c', 'n'.repeat(254), 'MULTIPLE'), 'DC0_C0_RP0_VM0');
      assert.deepEqual(await readVmTags(vapi, await ref('VirtualMachine', 'DC0_C0_RP0_VM0')), [`c:${'n'.repeat(254)}`]);
      await sim.admin.attachTag(await sim.admin.createTag('c', 'm'.repeat(255)), 'DC0_C0_RP0_VM0');
      assert.equal(await readVmTags(vapi, await ref('VirtualMachine', 'DC0_C0_RP0_VM0')), undefined);
      // 100 tags are a fact, 101 are not.
      for (let i = 0; i < 100; i++) await sim.admin.attachTag(await sim.admin.createTag('many', `t${String(i).padStart(3, '0')}`, 'MULTIPLE'), 'DC0_H0_VM1');
      const hundred = await readVmTags(vapi, await ref('VirtualMachine', 'DC0_H0_VM1'));
      assert.equal(hundred?.length, 100);
      assert.equal(hundred[0], 'many:t000');
      await sim.admin.attachTag(await sim.admin.createTag('many', 't100'), 'DC0_H0_VM1');
      assert.equal(await readVmTags(vapi, await ref('VirtualMachine', 'DC0_H0_VM1')), undefined);
    });
  });

  describe('clone', () => {
    it("goes by default to the source's folder, first datastore and own pool; the plan says so and binds each", async () => {
      const args = { vm: 'DC0_H0_VM0', name: 'web-02', powerOn: false };
      const s = await readClone(sim.client, args);
      const [vm, folder, ds, pool] = [await value('VirtualMachine', 'DC0_H0_VM0'), (await sim.admin.props('VirtualMachine', 'DC0_H0_VM0', ['parent']))['parent'] as ManagedObjectRef, await value('Datastore', 'LocalDS_0'), await rootPoolOf(sim.admin, 'DC0_H0')];
      assert.deepEqual([s.template, s.folder, s.datastore, s.pool, s.host, s.bytes, s.snapshot, s.hardware], [
        false,
        { ref: folder, name: 'vm', kind: 'folder', role: 'folder vm' },
        { ref: { type: 'Datastore', value: ds }, name: 'LocalDS_0', kind: 'datastore', role: 'datastore LocalDS_0' },
        { ref: { type: 'ResourcePool', value: pool }, name: 'Resources', kind: 'resource pool', role: 'resource pool Resources' },
        undefined, 0, undefined,
        { 'config.hardware.numCPU': '1', 'config.hardware.memoryMB': '32' },
      ]);
      const p = await clonePlan(sim.client, s, args);
      assert.equal(p.summary, 'Clone VM DC0_H0_VM0 to web-02 in folder vm on datastore LocalDS_0 (1 MB), powered off (resource pool Resources)');
      assert.deepEqual(p.changes, [
        { object: 'VM web-02 (new)', field: 'exists', before: 'no', after: 'yes, a copy of VM DC0_H0_VM0' },
        { object: 'VM web-02 (new)', field: 'folder', after: 'vm' },
        { object: 'VM web-02 (new)', field: 'datastore', after: 'LocalDS_0 (1 MB)' },
        { object: 'VM web-02 (new)', field: 'resource pool', after: 'Resources' },
        { object: 'VM web-02 (new)', field: 'power state', after: 'poweredOff' },
      ]);
      assert.deepEqual(p.objects, [`VM DC0_H0_VM0 (${vm})`, `folder vm (${folder.value})`, `datastore LocalDS_0 (${ds})`, `resource pool Resources (${pool})`]);
      assert.deepEqual(p.precondition, [
        { object: 'VM DC0_H0_VM0', type: 'VirtualMachine', id: vm, values: { 'config.changeVersion': '', 'runtime.powerState': 'poweredOn', snapshot: '', 'config.hardware.numCPU': '1', 'config.hardware.memoryMB': '32' } },
        { object: 'folder vm', type: 'Folder', id: folder.value, values: {} },
        { object: 'datastore LocalDS_0', type: 'Datastore', id: ds, values: {} },
        { object: 'resource pool Resources', type: 'ResourcePool', id: pool, values: {} },
      ]);
      // The source's facts, for policy rules (D60; D158).
      assert.deepEqual(p.facts, [s.vm.facts]);
      assert.equal(p.facts?.[0]?.['host'], 'DC0_H0');
      const on = await clonePlan(sim.client, s, { ...args, powerOn: true });
      assert.match(on.summary, /, powered on \(resource pool Resources\)$/);
      assert.equal(on.changes.at(-1)!.after, 'poweredOn');
    });

    it('to a host in another compute resource goes to its root pool; to a host beside the source, to its own pool', async () => {
      const other = await readClone(sim.client, { vm: 'DC0_H0_VM0', name: 'x', powerOn: false, host: 'DC0_C0_H0' });
      assert.equal(other.pool.ref.value, await rootPoolOf(sim.admin, 'DC0_C0_H0'));
      assert.deepEqual(other.host, { ref: await ref('HostSystem', 'DC0_C0_H0'), name: 'DC0_C0_H0', kind: 'host', role: 'host DC0_C0_H0' });
      const p = await clonePlan(sim.client, other, { vm: 'DC0_H0_VM0', name: 'x', powerOn: false });
      assert.equal(p.summary, 'Clone VM DC0_H0_VM0 to x in folder vm on datastore LocalDS_0 (1 MB), powered off (resource pool Resources on host DC0_C0_H0)');
      assert.deepEqual(p.changes.map((c) => c.field), ['exists', 'folder', 'datastore', 'resource pool', 'host', 'power state']);
      assert.equal(p.changes[4]!.after, 'DC0_C0_H0');
      assert.equal(p.objects.at(-1), `host DC0_C0_H0 (${other.host!.ref.value})`);
      assert.deepEqual(p.precondition.at(-1), { object: 'host DC0_C0_H0', type: 'HostSystem', id: other.host!.ref.value, values: {} });
      assert.equal(p.precondition.length, 5);

      const beside = await readClone(sim.client, { vm: 'DC0_H0_VM0', name: 'x', powerOn: false, host: 'DC0_H0' });
      assert.equal(beside.pool.ref.value, await rootPoolOf(sim.admin, 'DC0_H0'));
      // A VM in a cluster, to another host of that cluster: its own pool.
      const vm = 'DC0_C0_RP0_VM1';
      const own = ((await sim.admin.props('VirtualMachine', vm, ['resourcePool']))['resourcePool'] as ManagedObjectRef).value;
      const otherHost = (await hostOf(vm)) === 'DC0_C0_H0' ? 'DC0_C0_H1' : 'DC0_C0_H0';
      assert.equal((await readClone(sim.client, { vm, name: 'x', powerOn: false, host: otherHost })).pool.ref.value, own);
      // A named pool, folder and datastore win.
      const named = await readClone(sim.client, { vm: 'DC0_H0_VM0', name: 'x', powerOn: false, pool: await rootPoolOf(sim.admin, 'DC0_C0_H0'), folder: 'Lab', datastore: 'LocalDS_0' });
      assert.deepEqual([named.pool.ref.value, named.folder.name, named.folder.role, named.datastore.role], [await rootPoolOf(sim.admin, 'DC0_C0_H0'), 'Lab', 'folder Lab', 'datastore LocalDS_0']);
    });

    it('a linked clone names its snapshot; a template is a template; a taken name is refused', async () => {
      const vm = 'DC0_H0_VM1';
      await waitTask('CreateSnapshot_Task', await ref('VirtualMachine', vm), xmlElement('name', 'golden') + xmlElement('memory', 'false') + xmlElement('quiesce', 'false'));
      const args = { vm, name: 'web-05', powerOn: false, linkedFromSnapshot: 'golden' };
      const s = await readClone(sim.client, args);
      assert.equal(s.snapshot?.name, 'golden');
      const p = await clonePlan(sim.client, s, args);
      assert.equal(p.summary, `Clone VM ${vm} to web-05 in folder vm on datastore LocalDS_0 (linked to snapshot 'golden', a new delta disk only), powered off (resource pool Resources)`);
      assert.equal(p.changes[0]!.after, `yes, a linked copy of VM ${vm}`);
      await refused(readClone(sim.client, { ...args, linkedFromSnapshot: 'nope' }), `VM ${vm} has no snapshot "nope"; see vsphere_list_snapshots`);

      await waitTask('PowerOffVM_Task', await ref('VirtualMachine', vm));
      await sim.admin.client.invoke('MarkAsTemplate', await ref('VirtualMachine', vm));
      const t = await readClone(sim.client, { vm, name: 'web-06', powerOn: true });
      assert.equal(t.template, true);
      assert.equal(t.pool.ref.value, await rootPoolOf(sim.admin, 'DC0_H0'), "a template has no pool of its own: its host's root pool");
      assert.match((await clonePlan(sim.client, t, { vm, name: 'web-06', powerOn: true })).summary, new RegExp(`^Clone template ${vm} to web-06 in folder vm .*, powered on \\(resource pool Resources\\)$`));

      const folder = await readClone(sim.client, { vm: 'DC0_H0_VM0', name: 'x', powerOn: false });
      const taken = `folder vm already has a VM named "DC0_H0_VM0" (${await value('VirtualMachine', 'DC0_H0_VM0')}); pick another name`;
      await refused(clonePlan(sim.client, folder, { vm: 'DC0_H0_VM0', name: 'DC0_H0_VM0', powerOn: false }), taken);
      assert.equal(await nameTaken(sim.client, folder.folder, 'DC0_H0_VM0'), taken);
      assert.equal(await nameTaken(sim.client, folder.folder, 'DC0_H0_VM0-copy'), undefined);
      // A folder without VMs (Lab holds only folder web), and one with another kind of child.
      const lab = await readClone(sim.client, { vm: 'DC0_H0_VM0', name: 'x', powerOn: false, folder: 'Lab' });
      assert.equal(await nameTaken(sim.client, lab.folder, 'web'), undefined);
      assert.equal(await nameTaken(sim.client, lab.folder, 'DC0_H0_VM0'), undefined);
    });
  });

  describe('migrate', () => {
    it('needs a target; to a host in another compute resource goes to its root pool, and the plan binds the VM where it is', async () => {
      await refused(readMigrate(sim.client, { vm: 'DC0_H0_VM0' }), 'pass host, pool or datastore (or several): where the VM should go');
      const s = await readMigrate(sim.client, { vm: 'DC0_H0_VM0', host: 'DC0_C0_H0' });
      const [h0, c0h0, ds, pool, toPool] = [await value('HostSystem', 'DC0_H0'), await value('HostSystem', 'DC0_C0_H0'), await value('Datastore', 'LocalDS_0'), await rootPoolOf(sim.admin, 'DC0_H0'), await rootPoolOf(sim.admin, 'DC0_C0_H0')];
      assert.deepEqual({ ...s, vm: s.vm.name }, {
        vm: 'DC0_H0_VM0',
        fromHost: { ref: { type: 'HostSystem', value: h0 }, name: 'DC0_H0', kind: 'host', role: 'host DC0_H0' },
        fromPool: { ref: { type: 'ResourcePool', value: pool }, name: 'Resources', kind: 'pool', role: 'pool Resources' },
        fromDatastores: [{ ref: { type: 'Datastore', value: ds }, name: 'LocalDS_0', kind: 'datastore', role: 'datastore LocalDS_0' }],
        toHost: { ref: { type: 'HostSystem', value: c0h0 }, name: 'DC0_C0_H0', kind: 'target host', role: 'target host DC0_C0_H0' },
        toPool: { ref: { type: 'ResourcePool', value: toPool }, name: 'Resources', kind: 'target pool', role: 'target pool Resources' },
        toHostState: { inMaintenance: 'false', connection: 'connected' },
        location: { 'runtime.host': h0, resourcePool: pool, datastore: ds },
      });
      const p = migratePlan(s);
      assert.deepEqual(p.precondition.map((o) => [o.object, o.id]), [['VM DC0_H0_VM0', s.vm.ref.value], ['target host DC0_C0_H0', c0h0], ['target pool Resources', toPool]]);
    });

    it('within a cluster no pool is added; a named pool and datastore are the targets; a target host in maintenance is read as such', async () => {
      const vm = 'DC0_C0_RP0_VM1';
      const to = (await hostOf(vm)) === 'DC0_C0_H0' ? 'DC0_C0_H1' : 'DC0_C0_H0';
      const s = await readMigrate(sim.client, { vm, host: to });
      assert.equal(s.toPool, undefined);
      assert.equal(s.toHost?.name, to);
      const named = await readMigrate(sim.client, { vm, pool: await rootPoolOf(sim.admin, 'DC0_H0'), datastore: 'LocalDS_0' });
      assert.deepEqual([named.toHost, named.toPool?.role, named.toDatastore?.role, named.toHostState], [undefined, 'target pool Resources', 'target datastore LocalDS_0', { inMaintenance: '', connection: '' }]);
      await sim.admin.task('HostSystem', to, 'EnterMaintenanceMode_Task', '<timeout>0</timeout>');
      try {
        assert.deepEqual((await readMigrate(sim.client, { vm, host: to })).toHostState, { inMaintenance: 'true', connection: 'connected' });
      } finally {
        await sim.admin.task('HostSystem', to, 'ExitMaintenanceMode_Task', '<timeout>0</timeout>');
      }
    });
  });

  describe('host maintenance and reconfigure', () => {
    it("reads a host's state and its VMs sorted by name, with their power states", async () => {
      const id = await value('HostSystem', 'DC0_C0_H0');
      const refs = (await sim.admin.props('HostSystem', 'DC0_C0_H0', ['vm']))['vm'] as ManagedObjectRef[];
      const rows = await sim.admin.client.retrieveObjects(refs, ['name']);
      const vms = rows.map((r) => ({ name: String(r.props['name']), moref: r.ref.value, powerState: 'poweredOn' })).sort((a, b) => a.name.localeCompare(b.name));
      for (const host of ['DC0_C0_H0', id]) {
        const s = await readHostMaintenance(sim.client, host);
        assert.deepEqual(s, {
          host: { ref: { type: 'HostSystem', value: id }, name: 'DC0_C0_H0', kind: 'host', role: 'host DC0_C0_H0' },
          inMaintenance: false,
          connection: 'connected',
          vms,
          values: { 'runtime.inMaintenanceMode': 'false', 'runtime.connectionState': 'connected', vm: refs.map((r) => r.value).join(', ') },
        });
      }
      await sim.admin.task('HostSystem', 'DC0_C0_H0', 'EnterMaintenanceMode_Task', '<timeout>0</timeout>');
      try {
        const s = await readHostMaintenance(sim.client, 'DC0_C0_H0');
        assert.equal(s.inMaintenance, true);
        assert.equal(maintenancePlan(s, 'exit', false).summary, `Take host DC0_C0_H0 out of maintenance mode; it will take VMs again (${vms.length} VMs registered on it)`);
      } finally {
        await sim.admin.task('HostSystem', 'DC0_C0_H0', 'ExitMaintenanceMode_Task', '<timeout>0</timeout>');
      }
      // A powered-off VM reads as such; a host without VMs has none.
      const off = await readHostMaintenance(sim.client, 'DC0_H0');
      assert.deepEqual(off.vms.map((v) => [v.name, v.powerState]), [['DC0_H0_VM0', 'poweredOn'], ['DC0_H0_VM1', 'poweredOff']]);
    });

    it("reads a VM's size and hot-plug settings, as numbers, flags and precondition values", async () => {
      const vm = 'DC0_C0_RP0_VM0';
      const { vm: state, size } = await readVmSize(sim.client, vm);
      assert.equal(state.name, vm);
      assert.deepEqual(size, {
        numCpu: 1, memoryMb: 32, cpuHotAdd: false, cpuHotRemove: false, memoryHotAdd: false, template: false,
        values: { 'config.hardware.numCPU': '1', 'config.hardware.memoryMB': '32', 'config.cpuHotAddEnabled': '', 'config.cpuHotRemoveEnabled': '', 'config.memoryHotAddEnabled': '' },
      });
      await sim.admin.reconfigure(vm, '<cpuHotAddEnabled>true</cpuHotAddEnabled><cpuHotRemoveEnabled>true</cpuHotRemoveEnabled><memoryHotAddEnabled>true</memoryHotAddEnabled><numCPUs>2</numCPUs><memoryMB>64</memoryMB>');
      const after = (await readVmSize(sim.client, vm)).size;
      assert.deepEqual({ ...after, values: undefined }, { numCpu: 2, memoryMb: 64, cpuHotAdd: true, cpuHotRemove: true, memoryHotAdd: true, template: false, values: undefined });
      assert.equal(after.values['config.cpuHotAddEnabled'], 'true');
      assert.equal((await readVmSize(sim.client, 'DC0_H0_VM1')).size.template, true);
    });
  });

  describe('the re-check before an approved call runs', () => {
    const recheck = (precondition: Precondition) => {
      const endpoints: (string | undefined)[] = [];
      const through: Pick<VsphereClients, 'forEndpoint'> = { forEndpoint: async (e, s) => (endpoints.push(e), sim.clients.forEndpoint(e, s)) };
      return { endpoints, sentence: recheckVsphere(through as VsphereClients, 'vc', precondition) };
    };

    it('passes when every value still holds, through the endpoint the plan read', async () => {
      const s = await readVmState(sim.client, 'DC0_H0_VM0');
      const h = await readHostMaintenance(sim.client, 'DC0_H0');
      const { endpoints, sentence } = recheck([
        { object: 'VM DC0_H0_VM0', type: 'VirtualMachine', id: s.ref.value, values: s.values },
        { object: 'host DC0_H0', type: 'HostSystem', id: h.host.ref.value, values: h.values },
        { object: 'datastore LocalDS_0', type: 'Datastore', id: await value('Datastore', 'LocalDS_0'), values: {} },
      ]);
      assert.equal(await sentence, undefined);
      assert.deepEqual(endpoints, ['vc']);
    });

    it("names the first changed object, each changed value in words, and why where it can tell", async () => {
      const s = await readVmState(sim.client, 'DC0_H0_VM0');
      const vm = { object: 'VM DC0_H0_VM0', type: 'VirtualMachine', id: s.ref.value };
      const stale = {
        'runtime.powerState': 'poweredOff', 'config.changeVersion': 'v0', snapshot: 'snapshot-1 old*', 'runtime.host': 'host-0', resourcePool: 'resgroup-0', datastore: 'ds-0',
        'config.hardware.numCPU': '8', 'config.hardware.memoryMB': '8192', 'config.cpuHotAddEnabled': 'true', 'config.cpuHotRemoveEnabled': 'true', 'config.memoryHotAddEnabled': 'true', name: 'old-name',
      };
      const pool = await rootPoolOf(sim.admin, 'DC0_H0');
      const host = await value('HostSystem', 'DC0_H0');
      const ds = await value('Datastore', 'LocalDS_0');
      assert.equal(await recheck([{ ...vm, values: stale }]).sentence,
        `VM DC0_H0_VM0 changed since you approved: it was powered on by someone else (power state poweredOff → poweredOn, configuration version v0 → (unset), snapshots snapshot-1 old* → (unset), host host-0 → ${host}, resource pool resgroup-0 → ${pool}, datastores ds-0 → ${ds}, CPUs 8 → 1, memory MB 8192 → 32, CPU hot add true → (unset), CPU hot remove true → (unset), memory hot add true → (unset), name old-name → DC0_H0_VM0). ${TAIL}`);
      const h = await readHostMaintenance(sim.client, 'DC0_H0');
      assert.equal(await recheck([{ ...vm, values: s.values }, { object: 'host DC0_H0', type: 'HostSystem', id: h.host.ref.value, values: { 'runtime.inMaintenanceMode': 'true', 'runtime.connectionState': 'disconnected', vm: 'vm-1' } }]).sentence,
        `host DC0_H0 changed since you approved: it was taken out of maintenance mode by someone else (maintenance mode true → false, connection state disconnected → connected, VMs on it vm-1 → ${h.values['vm']}). ${TAIL}`);
    });

    it('a VM powered off by someone else, and an object that no longer exists, refuse the call', async () => {
      const vm = 'DC0_C0_RP0_VM0';
      const s = await readVmState(sim.client, vm);
      const pre = { object: `VM ${vm}`, type: 'VirtualMachine', id: s.ref.value, values: s.values };
      await waitTask('PowerOffVM_Task', s.ref);
      assert.equal(await recheck([pre]).sentence, `VM ${vm} changed since you approved: it was powered off by someone else (power state poweredOn → poweredOff). ${TAIL}`);
      await waitTask('Destroy_Task', s.ref);
      assert.equal(await recheck([{ object: 'datastore LocalDS_0', type: 'Datastore', id: await value('Datastore', 'LocalDS_0'), values: {} }, pre]).sentence, `VM ${vm} changed since you approved: it no longer exists. ${TAIL}`);
      assert.equal(isMoRef(s.ref), true);
      await assert.rejects(findEntity(sim.client, 'VirtualMachine', vm, 'VM'), 'the destroyed VM is not found');
    });
  });
});
