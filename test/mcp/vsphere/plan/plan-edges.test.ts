// Edges of the vSphere plans that the `vsphere-plans` mutation run showed untested (the main
// cases are in plan-words.test.ts): what a plan says when vCenter did not say where a VM is,
// a VM on several datastores, and a running VM changing only what it may hot-plug.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkMigrate, migratePlan, type MigrateState } from '../../../../src/mcp/vsphere/plan/migrate-plan.js';
import { checkReconfigure, type VmSize } from '../../../../src/mcp/vsphere/plan/reconfigure-plan.js';
import { explain } from '../../../../src/mcp/vsphere/plan/recheck-vsphere.js';
import { revertSnapshotPlan } from '../../../../src/mcp/vsphere/plan/snapshot-plans.js';
import type { VmState } from '../../../../src/mcp/vsphere/plan/vm-state.js';
import type { Target } from '../../../../src/mcp/vsphere/plan/write-targets.js';

const vmOf = (over: Partial<VmState> = {}): VmState => ({
  ref: { type: 'VirtualMachine', value: 'vm-42' }, name: 'web-01', powerState: 'poweredOn', numCpu: 2, host: 'esx-07', toolsRunning: true, snapshots: [], values: {}, facts: {}, ...over,
});
const target = (type: string, value: string, name: string, kind: string): Target => ({ ref: { type, value }, name, kind, role: `${kind} ${name}` });
const refused = (fn: () => unknown, message: string) => assert.throws(fn, (e: Error) => e.name === 'VsphereToolError' && e.message === message, message);

describe('migrate plan edges', () => {
  const h1 = target('HostSystem', 'host-1', 'esx-01', 'host');
  const d1 = target('Datastore', 'datastore-1', 'ds1', 'datastore');
  const d2 = target('Datastore', 'datastore-2', 'ds2', 'datastore');
  const state = (over: Partial<MigrateState> = {}): MigrateState => ({ vm: vmOf(), fromHost: h1, fromDatastores: [d1, d2], toHostState: { inMaintenance: '', connection: '' }, location: {}, ...over });

  it('"already there" names every datastore the VM is on', () => {
    refused(() => checkMigrate(state({ toHost: { ...h1, kind: 'target host' } })), 'VM web-01 is already there (host esx-01, datastore ds1, ds2); nothing to do');
  });

  it('a storage move of a VM whose host vCenter did not say does not claim where it stays', () => {
    const p = migratePlan(state({ fromHost: undefined, fromDatastores: [d1], toDatastore: target('Datastore', 'datastore-2', 'ds2', 'target datastore') }));
    assert.equal(p.summary, 'Migrate VM web-01 datastore ds1 → ds2 (now poweredOn: a live migration of its memory and disks)');
  });
});

describe('reconfigure edges: a running VM', () => {
  const size = (over: Partial<VmSize> = {}): VmSize => ({ numCpu: 2, memoryMb: 4096, cpuHotAdd: false, cpuHotRemove: false, memoryHotAdd: false, template: false, values: {}, ...over });
  it('changes memory without CPU hot-plug, and CPUs without memory hot add: only what changes is checked', () => {
    assert.deepEqual(checkReconfigure(vmOf(), size({ memoryHotAdd: true }), { memoryMb: 8192 }).map((c) => c.field), ['memory MB']);
    assert.deepEqual(checkReconfigure(vmOf(), size({ memoryHotAdd: true }), { numCpus: 2, memoryMb: 8192 }).map((c) => c.field), ['memory MB']);
    assert.deepEqual(checkReconfigure(vmOf(), size({ cpuHotAdd: true }), { numCpus: 4, memoryMb: 4096 }).map((c) => c.field), ['CPUs']);
    assert.deepEqual(checkReconfigure(vmOf(), size({ cpuHotRemove: true }), { numCpus: 1 }).map((c) => c.field), ['CPUs']);
  });
});

describe('a revert says in its summary when it changes the power state (D160)', () => {
  const snap = (moref: string, state: string | undefined) => ({ name: moref, moref, depth: 0, current: false, createTime: '2026-11-01T08:00:00Z', ...(state !== undefined && { state }) });
  const snapshots = [snap('s-off', 'poweredOff'), snap('s-on', 'poweredOn'), snap('s-susp', 'suspended'), snap('s-unknown', undefined), snap('s-odd', 'constructor')];
  const summary = (powerState: string, snapshot: string, suppressPowerOn = false) => revertSnapshotPlan(vmOf({ powerState, snapshots }), { snapshot, suppressPowerOn }).summary;
  const lost = (snapshot: string) => `Revert VM web-01 to snapshot '${snapshot}' from 2026-11-01 08:00 UTC; changes since then are lost`;

  it('a running VM reverted to a snapshot taken powered off, or with power-on suppressed, ends powered off', () => {
    assert.equal(summary('poweredOn', 's-off'), `${lost('s-off')} and the VM ends powered off (now poweredOn, 2 vCPU, on esx-07, guest tools running, 5 snapshots)`);
    assert.equal(summary('poweredOn', 's-on', true), `${lost('s-on')} and the VM ends powered off (now poweredOn, 2 vCPU, on esx-07, guest tools running, 5 snapshots)`);
    assert.equal(summary('poweredOn', 's-susp'), `${lost('s-susp')} and the VM ends suspended (now poweredOn, 2 vCPU, on esx-07, guest tools running, 5 snapshots)`);
  });

  it('a VM that is off ends powered on when the snapshot was taken running', () => {
    assert.equal(summary('poweredOff', 's-on'), `${lost('s-on')} and the VM ends powered on (now poweredOff, 2 vCPU, on esx-07, guest tools running, 5 snapshots)`);
  });

  it('says nothing more when the power state stays, or is not known', () => {
    for (const [now, s] of [['poweredOn', 's-on'], ['poweredOff', 's-off'], ['poweredOff', 's-unknown'], ['poweredOn', 's-odd']] as const) {
      assert.equal(summary(now, s), `${lost(s)} (now ${now}, 2 vCPU, on esx-07, guest tools running, 5 snapshots)`, `${now} ${s}`);
    }
  });
});

describe("the re-check's words", () => {
  it('speak of power only for the power state, whatever another value became', () => {
    assert.equal(explain({ object: 'VM web-01', key: 'snapshot', before: '', after: 'suspended' }), 'its snapshots were changed by someone else');
    assert.equal(explain({ object: 'VM web-01', key: 'name', before: 'a', after: 'poweredOff' }), undefined);
    assert.equal(explain({ object: 'VM web-01', key: 'runtime.powerState', before: 'poweredOn' }), undefined, 'gone: the sentence says so itself');
  });
});

describe('reconfigure edges: the size vCenter reported (D132)', () => {
  it('memory read as 0 is no size to plan from, as CPUs read as 0', () => {
    const vm = vmOf({ powerState: 'poweredOff' });
    const size: VmSize = { numCpu: 2, memoryMb: 0, cpuHotAdd: false, cpuHotRemove: false, memoryHotAdd: false, template: false, values: {} };
    refused(() => checkReconfigure(vm, size, { numCpus: 4 }), 'vCenter did not say how many CPUs and how much memory VM web-01 has (an inaccessible VM has no configuration); nothing was planned, check the VM in vCenter');
  });
});
