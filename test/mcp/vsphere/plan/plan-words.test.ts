// What a person approving a vSphere write reads (issue 11, issue 16): each plan's plain words
// (which VM, what changes from what, "powers off", what is lost), the guards that refuse before
// anyone is asked, and the objects and precondition an approved call is bound to. The plans are
// built from the state a tool read (VmState, MigrateState, ...); reading it from vCenter is
// tested against vcsim (plan-reads.test.ts). Fast: no simulator, for the `vsphere-plans`
// mutation area.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PowerAction } from '../../../../src/mcp/vsphere/inventory/power-action.js';
import type { SnapshotRow } from '../../../../src/mcp/vsphere/inventory/snapshot-tree.js';
import type { ToolExtra } from '../../../../src/mcp/runtime/plan/tool-planner.js';
import { checkMaintenance, maintenancePlan, type HostMaintenanceState } from '../../../../src/mcp/vsphere/plan/maintenance-plan.js';
import { checkMigrate, migratePlan, type MigrateState } from '../../../../src/mcp/vsphere/plan/migrate-plan.js';
import { checkPowerAction, powerPlan } from '../../../../src/mcp/vsphere/plan/power-plan.js';
import { assertApprovedVm, explain } from '../../../../src/mcp/vsphere/plan/recheck-vsphere.js';
import { checkReconfigure, reconfigurePlan, sizePrecondition, type VmSize } from '../../../../src/mcp/vsphere/plan/reconfigure-plan.js';
import { createSnapshotPlan, deleteSnapshotPlan, revertSnapshotPlan, shortTime } from '../../../../src/mcp/vsphere/plan/snapshot-plans.js';
import { describeVm, preconditionValue, vmLabel, vmPrecondition, type VmState } from '../../../../src/mcp/vsphere/plan/vm-state.js';
import { assertApprovedTargets, sizeText, targetLabel, targetPrecondition, type Target } from '../../../../src/mcp/vsphere/plan/write-targets.js';

const VALUES = { 'config.changeVersion': '2026-12-01T10:00:00Z', 'runtime.powerState': 'poweredOn', snapshot: '' };
const vmOf = (over: Partial<VmState> = {}): VmState => ({
  ref: { type: 'VirtualMachine', value: 'vm-42' },
  name: 'web-01',
  powerState: 'poweredOn',
  numCpu: 2,
  host: 'esx-07',
  toolsRunning: true,
  snapshots: [],
  values: VALUES,
  facts: { powerState: 'poweredOn', folder: 'Lab' },
  ...over,
});
const target = (type: string, value: string, name: string, kind: string): Target => ({ ref: { type, value }, name, kind, role: `${kind} ${name}` });
const LABEL = 'VM web-01 (vm-42)';
const PRE = { object: 'VM web-01', type: 'VirtualMachine', id: 'vm-42', values: VALUES };
/** An approved call's extra: the precondition the person approved. */
const approved = (precondition: unknown[]): ToolExtra => ({ _meta: { 'keybroker/approved': { planHash: 'a'.repeat(64), precondition } } }) as unknown as ToolExtra;
const refused = (fn: () => unknown, message: string) => assert.throws(fn, (e: Error) => e.name === 'VsphereToolError' && e.message === message, message);

describe('a VM in a plan', () => {
  it('is named by name and moref; its precondition is its change version, power state and snapshots', () => {
    assert.equal(vmLabel(vmOf()), LABEL);
    const pre = vmPrecondition(vmOf());
    assert.deepEqual(pre, PRE);
    assert.notEqual(pre.values, VALUES, 'a copy: a plan adding values does not change the VM');
  });

  it('is described by power, CPUs, host, guest tools and snapshot count, leaving out what is unknown', () => {
    assert.equal(describeVm(vmOf()), 'now poweredOn, 2 vCPU, on esx-07, guest tools running, 0 snapshots');
    const one = [{ name: 'a', moref: 'snapshot-1', depth: 0, current: true }];
    assert.equal(describeVm(vmOf({ toolsRunning: false, snapshots: one })), 'now poweredOn, 2 vCPU, on esx-07, guest tools not running, 1 snapshot');
    const { numCpu: _n, host: _h, toolsRunning: _t, ...bare } = vmOf({ powerState: 'suspended' });
    assert.equal(describeVm({ ...bare, snapshots: [...one, { ...one[0]!, moref: 'snapshot-2', current: false }] }), 'now suspended, 2 snapshots');
    assert.equal(describeVm(vmOf({ host: '' })), 'now poweredOn, 2 vCPU, guest tools running, 0 snapshots');
  });
});

describe('preconditionValue(): a property as the re-check compares it', () => {
  it('unset is empty; text and numbers as read; a MoRef as its id; other objects as JSON', () => {
    assert.equal(preconditionValue('runtime.host', undefined), '');
    assert.equal(preconditionValue('runtime.host', null as never), '');
    assert.equal(preconditionValue('runtime.powerState', 'poweredOn'), 'poweredOn');
    assert.equal(preconditionValue('config.hardware.numCPU', 4 as never), '4');
    assert.equal(preconditionValue('runtime.inMaintenanceMode', false as never), 'false');
    assert.equal(preconditionValue('runtime.host', { type: 'HostSystem', value: 'host-21' }), 'host-21');
    assert.equal(preconditionValue('x', { a: '1' } as never), '{"a":"1"}');
    assert.equal(preconditionValue('x', ['a', 'b'] as never), '["a","b"]', 'a list that is not of objects stays JSON');
  });

  it('a list of objects as their ids, and as a digest past 1024 characters (the contract limit)', () => {
    const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'VirtualMachine', value: `vm-${1000 + i}` }));
    assert.equal(preconditionValue('vm', refs(2) as never), 'vm-1000, vm-1001');
    assert.equal(preconditionValue('vm', [] as never), '');
    // 129 ids of 7 characters and 128 separators: 1,159 characters.
    const long = preconditionValue('vm', refs(129) as never);
    assert.match(long, /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(long, preconditionValue('vm', refs(130) as never), 'one VM more is another digest');
    // Exactly 1024 characters stays as ids: 101 ids of 8 characters, 101 separators and one id of 14.
    const exact = [...Array.from({ length: 101 }, (_, i) => ({ type: 'VirtualMachine', value: `vm-${10000 + i}` })), { type: 'VirtualMachine', value: 'vm-12345678901' }];
    const ids = exact.map((r) => r.value).join(', ');
    assert.equal(ids.length, 1024);
    assert.equal(preconditionValue('vm', exact as never), ids);
    assert.match(preconditionValue('vm', [...exact.slice(0, -1), { type: 'VirtualMachine', value: 'vm-123456789012' }] as never), /^sha256:/);
  });

  it("the snapshot tree as its snapshots' ids and names, the current one starred", () => {
    const tree = {
      currentSnapshot: { type: 'VirtualMachineSnapshot', value: 'snapshot-2' },
      rootSnapshotList: { snapshot: { type: 'VirtualMachineSnapshot', value: 'snapshot-1' }, name: 'base', childSnapshotList: { snapshot: { type: 'VirtualMachineSnapshot', value: 'snapshot-2' }, name: 'pre-patch' } },
    };
    assert.equal(preconditionValue('snapshot', tree as never), 'snapshot-1 base, snapshot-2 pre-patch*');
  });
});

describe('power plans', () => {
  const cases: [PowerAction, string, string][] = [
    ['off', 'Power off VM web-01', 'poweredOff'],
    ['reset', 'Reset (hard) VM web-01', 'poweredOn (restarted)'],
    ['suspend', 'Suspend VM web-01', 'suspended'],
    ['shutdown_guest', 'Shut down the guest OS of VM web-01', 'poweredOff'],
    ['reboot_guest', 'Reboot the guest OS of VM web-01', 'poweredOn (guest restarted)'],
  ];
  it('say the action in words, the VM as it is now, and the power state it ends in', () => {
    for (const [action, words, after] of cases) {
      const p = powerPlan(vmOf(), action);
      assert.equal(p.summary, `${words} (now poweredOn, 2 vCPU, on esx-07, guest tools running, 0 snapshots)`, action);
      assert.deepEqual(p.changes, [{ object: LABEL, field: 'power state', before: 'poweredOn', after }], action);
      assert.deepEqual([p.objects, p.precondition, p.facts], [[LABEL], [PRE], [{ powerState: 'poweredOn', folder: 'Lab' }]], action);
    }
    const on = powerPlan(vmOf({ powerState: 'poweredOff', toolsRunning: false }), 'on');
    assert.equal(on.summary, 'Power on VM web-01 (now poweredOff, 2 vCPU, on esx-07, guest tools not running, 0 snapshots)');
    assert.deepEqual(on.changes, [{ object: LABEL, field: 'power state', before: 'poweredOff', after: 'poweredOn' }]);
    // A suspended VM powers on, and off.
    assert.equal(powerPlan(vmOf({ powerState: 'suspended' }), 'on').changes[0]!.after, 'poweredOn');
    assert.equal(powerPlan(vmOf({ powerState: 'suspended' }), 'off').changes[0]!.before, 'suspended');
  });

  it('refuse what cannot apply to the state the VM is in, saying what to do', () => {
    refused(() => powerPlan(vmOf(), 'on'), 'VM web-01 is already poweredOn; nothing to do');
    refused(() => checkPowerAction(vmOf({ powerState: 'poweredOff' }), 'off'), 'VM web-01 is already poweredOff; nothing to do');
    for (const s of ['poweredOff', 'suspended']) {
      refused(() => checkPowerAction(vmOf({ powerState: s }), 'reset'), `cannot reset VM web-01: it is ${s}; it must be poweredOn (use action "on" first)`);
      refused(() => checkPowerAction(vmOf({ powerState: s }), 'suspend'), `cannot suspend VM web-01: it is ${s}; it must be poweredOn (use action "on" first)`);
      refused(() => checkPowerAction(vmOf({ powerState: s }), 'shutdown_guest'), `cannot shutdown guest VM web-01: it is ${s}; it must be poweredOn (use action "on" first)`);
      refused(() => checkPowerAction(vmOf({ powerState: s }), 'reboot_guest'), `cannot reboot guest VM web-01: it is ${s}; it must be poweredOn (use action "on" first)`);
    }
  });

  it('a guest shutdown or reboot needs running tools; a hard action and unknown tools do not refuse', () => {
    const noTools = vmOf({ toolsRunning: false });
    refused(() => checkPowerAction(noTools, 'shutdown_guest'), 'cannot shutdown guest VM web-01: VMware Tools are not running in the guest; use "off" or "reset" instead');
    refused(() => checkPowerAction(noTools, 'reboot_guest'), 'cannot reboot guest VM web-01: VMware Tools are not running in the guest; use "off" or "reset" instead');
    for (const a of ['off', 'reset', 'suspend'] as const) assert.doesNotThrow(() => checkPowerAction(noTools, a), a);
    const { toolsRunning: _t, ...unknown } = vmOf();
    for (const a of ['shutdown_guest', 'reboot_guest'] as const) assert.doesNotThrow(() => checkPowerAction(unknown, a), a);
  });
});

describe('snapshot plans', () => {
  const snap = (moref: string, name: string, over: Partial<SnapshotRow> = {}): SnapshotRow => ({ name, moref, depth: 0, current: false, createTime: '2026-11-30T09:12:34.567Z', state: 'poweredOn', ...over });
  // base ─┬─ pre-patch (current) ── patched
  //       └─ other
  const tree = [
    snap('snapshot-1', 'base', { createTime: '2026-11-01T08:00:00Z', state: 'poweredOff' }),
    snap('snapshot-2', 'pre-patch', { parent: 'snapshot-1', depth: 1, current: true }),
    snap('snapshot-3', 'patched', { parent: 'snapshot-2', depth: 2, createTime: undefined, state: undefined }),
    snap('snapshot-4', 'other', { parent: 'snapshot-1', depth: 1, createTime: 'yesterday' }),
  ];
  const withTree = vmOf({ snapshots: tree });

  it('times read in UTC to the minute; an unknown or unreadable time says so', () => {
    assert.equal(shortTime('2026-11-30T09:12:34.567Z'), '2026-11-30 09:12 UTC');
    assert.equal(shortTime('2026-11-30T10:12:34+01:00'), '2026-11-30 09:12 UTC');
    assert.equal(shortTime(undefined), 'an unknown time');
    assert.equal(shortTime(''), 'an unknown time');
    assert.equal(shortTime('yesterday'), 'yesterday');
  });

  it('create names the snapshot, memory and quiescing, and that it stuns the VM', () => {
    const plain = createSnapshotPlan(vmOf(), { name: 'pre-patch', memory: false, quiesce: false });
    assert.equal(plain.summary, "Take snapshot 'pre-patch' of VM web-01 (now poweredOn, 2 vCPU, on esx-07, guest tools running, 0 snapshots); it uses datastore space and briefly stuns the VM");
    assert.deepEqual(plain.changes, [{ object: LABEL, field: 'snapshots', before: '0', after: "1 (new 'pre-patch')" }]);
    assert.deepEqual([plain.objects, plain.precondition, plain.facts], [[LABEL], [PRE], [{ powerState: 'poweredOn', folder: 'Lab' }]]);
    assert.match(createSnapshotPlan(vmOf(), { name: 's', memory: true, quiesce: false }).summary, /^Take snapshot 's' of VM web-01 with its memory \(now/);
    assert.match(createSnapshotPlan(vmOf(), { name: 's', memory: false, quiesce: true }).summary, /^Take snapshot 's' of VM web-01 quiescing the guest file system \(now/);
    assert.match(createSnapshotPlan(vmOf(), { name: 's', memory: true, quiesce: true }).summary, /^Take snapshot 's' of VM web-01 with its memory, quiescing the guest file system \(now/);
    assert.deepEqual(createSnapshotPlan(withTree, { name: 's', memory: false, quiesce: false }).changes[0], { object: LABEL, field: 'snapshots', before: '4', after: "5 (new 's')" });
  });

  it('create refuses to quiesce without guest tools, and quiesces when tools are unknown', () => {
    refused(() => createSnapshotPlan(vmOf({ toolsRunning: false }), { name: 's', memory: false, quiesce: true }), 'cannot quiesce VM web-01: VMware Tools are not running in the guest; call again with quiesce false');
    assert.doesNotThrow(() => createSnapshotPlan(vmOf({ toolsRunning: false }), { name: 's', memory: true, quiesce: false }));
    const { toolsRunning: _t, ...unknown } = vmOf();
    assert.doesNotThrow(() => createSnapshotPlan(unknown, { name: 's', memory: false, quiesce: true }));
  });

  it('revert names the snapshot and its time, that changes since are lost, and the power state after', () => {
    const p = revertSnapshotPlan(withTree, { snapshot: 'base', suppressPowerOn: false });
    assert.equal(p.summary, "Revert VM web-01 to snapshot 'base' from 2026-11-01 08:00 UTC; changes since then are lost and the VM ends powered off (now poweredOn, 2 vCPU, on esx-07, guest tools running, 4 snapshots)");
    assert.deepEqual(p.changes, [
      { object: LABEL, field: 'current snapshot', before: "'pre-patch'", after: "'base'" },
      { object: LABEL, field: 'power state', before: 'poweredOn', after: 'poweredOff' },
      { object: LABEL, field: 'disk and memory state', before: 'as now', after: 'as at 2026-11-01 08:00 UTC' },
    ]);
    assert.deepEqual(p.objects, [LABEL, "snapshot 'base' (snapshot-1) of VM web-01"]);
    assert.deepEqual([p.precondition, p.facts], [[PRE], [{ powerState: 'poweredOn', folder: 'Lab' }]]);
    // By moref; a snapshot taken running powers the VM on, unless that is suppressed.
    const after = (snapshot: string, suppressPowerOn: boolean) => revertSnapshotPlan(withTree, { snapshot, suppressPowerOn }).changes[1]!.after;
    assert.equal(after('snapshot-2', false), 'poweredOn');
    assert.equal(after('snapshot-2', true), 'poweredOff');
    assert.equal(after('base', true), 'poweredOff');
    assert.equal(after('patched', false), 'as in the snapshot');
    assert.equal(after('patched', true), 'as in the snapshot');
    assert.equal(revertSnapshotPlan(vmOf({ snapshots: tree.map((s) => ({ ...s, current: false })) }), { snapshot: 'base', suppressPowerOn: false }).changes[0]!.before, '(none)');
    refused(() => revertSnapshotPlan(withTree, { snapshot: 'nope', suppressPowerOn: false }), 'VM web-01 has no snapshot "nope"; see vsphere_list_snapshots');
  });

  it('delete names what goes, what stays below, and that the state cannot be restored', () => {
    const one = deleteSnapshotPlan(withTree, { snapshot: 'pre-patch', removeChildren: false });
    assert.equal(one.summary, "Delete snapshot 'pre-patch' from 2026-11-30 09:12 UTC of VM web-01 (the 1 snapshot(s) below it stay); the deleted state can no longer be restored (now poweredOn, 2 vCPU, on esx-07, guest tools running, 4 snapshots)");
    assert.deepEqual(one.changes, [{ object: "snapshot 'pre-patch' (snapshot-2) of VM web-01", field: 'snapshot', before: 'taken 2026-11-30 09:12 UTC' }]);
    assert.deepEqual(one.objects, [LABEL, "snapshot 'pre-patch' (snapshot-2) of VM web-01"]);
    assert.deepEqual([one.precondition, one.facts], [[PRE], [{ powerState: 'poweredOn', folder: 'Lab' }]]);

    // The whole subtree, grandchildren included, in tree order.
    const all = deleteSnapshotPlan(withTree, { snapshot: 'snapshot-1', removeChildren: true });
    assert.equal(all.summary, "Delete snapshot 'base' from 2026-11-01 08:00 UTC of VM web-01 and the 3 snapshot(s) below it; the deleted state can no longer be restored (now poweredOn, 2 vCPU, on esx-07, guest tools running, 4 snapshots)");
    assert.deepEqual(all.changes.map((c) => [c.object, c.before]), [
      ["snapshot 'base' (snapshot-1) of VM web-01", 'taken 2026-11-01 08:00 UTC'],
      ["snapshot 'pre-patch' (snapshot-2) of VM web-01", 'taken 2026-11-30 09:12 UTC'],
      ["snapshot 'patched' (snapshot-3) of VM web-01", 'taken an unknown time'],
      ["snapshot 'other' (snapshot-4) of VM web-01", 'taken yesterday'],
    ]);
    assert.equal(all.objects.length, 5);
    // A leaf: nothing below it, with or without children.
    for (const removeChildren of [false, true]) {
      const leaf = deleteSnapshotPlan(withTree, { snapshot: 'patched', removeChildren });
      assert.equal(leaf.summary, "Delete snapshot 'patched' from an unknown time of VM web-01; the deleted state can no longer be restored (now poweredOn, 2 vCPU, on esx-07, guest tools running, 4 snapshots)");
      assert.equal(leaf.changes.length, 1);
    }
  });
});

describe('reconfigure plans', () => {
  const size = (over: Partial<VmSize> = {}): VmSize => ({ numCpu: 2, memoryMb: 4096, cpuHotAdd: false, cpuHotRemove: false, memoryHotAdd: false, template: false, values: { 'config.hardware.numCPU': '2', 'config.hardware.memoryMB': '4096' }, ...over });
  const off = vmOf({ powerState: 'poweredOff' });

  it('say what changes from what, and whether it is hot-plugged', () => {
    const p = reconfigurePlan(off, size(), { numCpus: 4, memoryMb: 8192 });
    assert.equal(p.summary, 'Set VM web-01 CPUs 2 → 4, memory 4096 → 8192 MB (now poweredOff)');
    assert.deepEqual(p.changes, [
      { object: LABEL, field: 'CPUs', before: '2', after: '4' },
      { object: LABEL, field: 'memory MB', before: '4096', after: '8192' },
    ]);
    assert.deepEqual(p.objects, [LABEL]);
    assert.deepEqual(p.precondition, [{ ...PRE, values: { ...VALUES, 'config.hardware.numCPU': '2', 'config.hardware.memoryMB': '4096' } }]);
    // Only what differs from now is changed and said.
    assert.equal(reconfigurePlan(off, size(), { numCpus: 2, memoryMb: 2048 }).summary, 'Set VM web-01 memory 4096 → 2048 MB (now poweredOff)');
    assert.equal(reconfigurePlan(off, size(), { numCpus: 1, memoryMb: 4096 }).summary, 'Set VM web-01 CPUs 2 → 1 (now poweredOff)');
    assert.equal(reconfigurePlan(off, size(), { memoryMb: 4100 }).summary, 'Set VM web-01 memory 4096 → 4100 MB (now poweredOff)');
    assert.equal(reconfigurePlan(vmOf(), size({ cpuHotAdd: true }), { numCpus: 3 }).summary, 'Set VM web-01 CPUs 2 → 3 (now poweredOn, hot-plugged while it runs)');
    assert.equal(reconfigurePlan(vmOf({ powerState: 'suspended' }), size(), { numCpus: 3 }).summary, 'Set VM web-01 CPUs 2 → 3 (now suspended)');
  });

  it("carry the VM's facts for policy rules (D60; D158)", () => {
    const facts = { powerState: 'poweredOff', folder: 'Lab', tags: [] };
    assert.deepEqual(reconfigurePlan(vmOf({ powerState: 'poweredOff', facts }), size(), { numCpus: 4 }).facts, [facts]);
  });

  it('the precondition holds the size and hot-plug flags beside the VM values, without changing the VM', () => {
    const values = { 'config.hardware.numCPU': '2', 'config.cpuHotAddEnabled': 'false' };
    const pre = sizePrecondition(vmOf(), size({ values }));
    assert.deepEqual(pre, { ...PRE, values: { ...VALUES, ...values } });
    assert.deepEqual(vmOf().values, VALUES);
  });

  it('refuse nothing to change, memory off the 4 MB grid (with a suggestion), and templates', () => {
    refused(() => checkReconfigure(off, size(), {}), 'pass numCpus, memoryMb or both; nothing to change');
    refused(() => checkReconfigure(off, size(), { numCpus: 2, memoryMb: 4096 }), 'VM web-01 already has 2 CPUs and 4096 MB; nothing to do');
    refused(() => checkReconfigure(off, size(), { numCpus: 2 }), 'VM web-01 already has 2 CPUs and 4096 MB; nothing to do');
    refused(() => checkReconfigure(off, size(), { memoryMb: 4097 }), "memoryMb must be a multiple of 4 (vSphere's rule); 4097 is not, try 4096");
    refused(() => checkReconfigure(off, size(), { memoryMb: 4099 }), "memoryMb must be a multiple of 4 (vSphere's rule); 4099 is not, try 4100");
    refused(() => checkReconfigure(off, size({ template: true }), { numCpus: 4 }), 'web-01 is a template; clone it (vsphere_clone_vm) and resize the clone');
    // The 4 MB rule looks at the new memory only, not at a CPU-only change.
    assert.doesNotThrow(() => checkReconfigure(off, size({ memoryMb: 4097 }), { numCpus: 4 }));
  });

  it('a running VM changes only what it can hot-plug, and never loses memory', () => {
    const on = vmOf();
    const fix = 'power it off first (vsphere_power action shutdown_guest or off), then call again';
    refused(() => checkReconfigure(on, size(), { numCpus: 4 }), `VM web-01 is powered on and CPU hot add is disabled on it, so its CPUs cannot go 2 → 4 now; ${fix}`);
    refused(() => checkReconfigure(on, size({ cpuHotAdd: true }), { numCpus: 1 }), `VM web-01 is powered on and CPU hot remove is disabled on it, so its CPUs cannot go 2 → 1 now; ${fix}`);
    refused(() => checkReconfigure(on, size({ cpuHotRemove: true }), { memoryMb: 8192 }), `VM web-01 is powered on and memory hot add is disabled on it, so its memory cannot go 4096 → 8192 MB now; ${fix}`);
    refused(() => checkReconfigure(on, size({ memoryHotAdd: true }), { memoryMb: 2048 }), `VM web-01 is powered on and vSphere never removes memory from a running VM (4096 → 2048 MB); ${fix}`);
    assert.equal(checkReconfigure(on, size({ cpuHotAdd: true }), { numCpus: 4 }).length, 1);
    assert.equal(checkReconfigure(on, size({ cpuHotRemove: true }), { numCpus: 1 }).length, 1);
    assert.equal(checkReconfigure(on, size({ memoryHotAdd: true }), { memoryMb: 8192 }).length, 1);
    // Powered off, anything goes.
    assert.equal(checkReconfigure(off, size(), { numCpus: 1, memoryMb: 1024 }).length, 2);
    assert.equal(checkReconfigure(off, size(), { numCpus: 8, memoryMb: 16384 }).length, 2);
  });
});

describe('migrate plans', () => {
  const h1 = target('HostSystem', 'host-1', 'esx-01', 'host');
  const h2 = target('HostSystem', 'host-2', 'esx-02', 'target host');
  const p1 = target('ResourcePool', 'resgroup-1', 'Resources', 'pool');
  const p2 = target('ResourcePool', 'resgroup-2', 'Batch', 'target pool');
  const d1 = target('Datastore', 'datastore-1', 'ds1', 'datastore');
  const d2 = target('Datastore', 'datastore-2', 'ds2', 'target datastore');
  const location = { 'runtime.host': 'host-1', resourcePool: 'resgroup-1', datastore: 'datastore-1' };
  const state = (over: Partial<MigrateState> = {}): MigrateState => ({ vm: vmOf(), fromHost: h1, fromPool: p1, fromDatastores: [d1], toHostState: { inMaintenance: 'false', connection: 'connected' }, location, ...over });

  it('say from where to where, live or not, and bind the VM, its location and each target', () => {
    const p = migratePlan(state({ toHost: h2, toPool: p2, toDatastore: d2 }));
    assert.equal(p.summary, 'Migrate VM web-01 from host esx-01 to esx-02, resource pool Resources → Batch, datastore ds1 → ds2 (now poweredOn: a live migration of its memory and disks)');
    assert.deepEqual(p.changes, [
      { object: LABEL, field: 'host', before: 'esx-01', after: 'esx-02' },
      { object: LABEL, field: 'resource pool', before: 'Resources', after: 'Batch' },
      { object: LABEL, field: 'datastore', before: 'ds1', after: 'ds2' },
    ]);
    assert.deepEqual(p.objects, [LABEL, 'target host esx-02 (host-2)', 'target pool Batch (resgroup-2)', 'target datastore ds2 (datastore-2)']);
    assert.deepEqual(p.precondition, [
      { ...PRE, values: { ...VALUES, ...location } },
      { object: 'target host esx-02', type: 'HostSystem', id: 'host-2', values: { 'runtime.inMaintenanceMode': 'false', 'runtime.connectionState': 'connected' } },
      { object: 'target pool Batch', type: 'ResourcePool', id: 'resgroup-2', values: {} },
      { object: 'target datastore ds2', type: 'Datastore', id: 'datastore-2', values: {} },
    ]);
  });

  it('a host-only move is live for a running VM; a storage-only move says the VM stays on its host', () => {
    assert.equal(migratePlan(state({ toHost: h2 })).summary, 'Migrate VM web-01 from host esx-01 to esx-02 (now poweredOn: a live migration)');
    const storage = migratePlan(state({ vm: vmOf({ powerState: 'poweredOff' }), toDatastore: d2 }));
    assert.equal(storage.summary, 'Migrate VM web-01 datastore ds1 → ds2, staying on host esx-01 (now poweredOff)');
    assert.equal(storage.precondition.length, 2);
    const pool = migratePlan(state({ toPool: p2 }));
    assert.equal(pool.summary, 'Migrate VM web-01 resource pool Resources → Batch, staying on host esx-01 (now poweredOn: a live migration)');
    // A VM read without its host and pool (vCenter did not say): "?" in words, "" as before.
    const unknown = migratePlan(state({ fromHost: undefined, fromPool: undefined, fromDatastores: [], toHost: h2, toPool: p2, toDatastore: d2, vm: vmOf({ powerState: 'suspended' }) }));
    assert.equal(unknown.summary, 'Migrate VM web-01 from host ? to esx-02, resource pool ? → Batch, datastore ? → ds2 (now suspended)');
    assert.deepEqual(unknown.changes.map((c) => c.before), ['', '', '?']);
  });

  it('only what differs from now moves; all the same is refused', () => {
    const same = { toHost: { ...h2, ref: h1.ref }, toPool: { ...p2, ref: p1.ref }, toDatastore: { ...d2, ref: d1.ref } };
    refused(() => checkMigrate(state(same)), 'VM web-01 is already there (host esx-01, datastore ds1); nothing to do');
    refused(() => checkMigrate(state({ toHost: { ...h2, ref: h1.ref } })), 'VM web-01 is already there (host esx-01, datastore ds1); nothing to do');
    refused(() => checkMigrate(state({ fromHost: undefined, fromDatastores: [], toPool: { ...p2, ref: p1.ref } })), 'VM web-01 is already there (host ?, datastore ?); nothing to do');
    assert.deepEqual(checkMigrate(state({ ...same, toHost: h2 })), { host: h2 });
    assert.deepEqual(checkMigrate(state({ ...same, toPool: p2 })), { pool: p2 });
    assert.deepEqual(checkMigrate(state({ ...same, toDatastore: d2 })), { datastore: d2 });
    // A VM on two datastores moves when asked to one of them: its disks are gathered there.
    const two = state({ fromDatastores: [d1, target('Datastore', 'datastore-2', 'ds2', 'datastore')], toDatastore: d2 });
    assert.deepEqual(checkMigrate(two), { datastore: d2 });
    assert.equal(migratePlan(two).changes[0]!.before, 'ds1, ds2');
    assert.deepEqual(checkMigrate(state({ fromDatastores: [d1], toDatastore: { ...d2, ref: d1.ref }, toHost: h2 })), { host: h2 });
  });

  it("carry the VM's facts for policy rules (D60), as the power and snapshot plans do (D158)", () => {
    const facts = { powerState: 'poweredOn', folder: 'Lab', cluster: 'C1', tags: ['env:test'] };
    assert.deepEqual(migratePlan(state({ vm: vmOf({ facts }), toHost: h2 })).facts, [facts]);
  });

  it('bind every target named, also one the VM is already on: a name that later means another object is refused (Security, D159)', () => {
    // The VM is on esx-01 (host-1); the call names host esx-01 and datastore ds2: only the datastore moves.
    const here = { ...h2, ref: h1.ref, name: 'esx-01', role: 'target host esx-01' };
    const p = migratePlan(state({ toHost: here, toDatastore: d2 }));
    assert.equal(p.summary, 'Migrate VM web-01 datastore ds1 → ds2, staying on host esx-01 (now poweredOn: a live migration of its memory and disks)');
    assert.deepEqual(p.changes.map((c) => c.field), ['datastore']);
    assert.deepEqual(p.precondition.slice(1), [
      { object: 'target datastore ds2', type: 'Datastore', id: 'datastore-2', values: {} },
      { object: 'target host esx-01', type: 'HostSystem', id: 'host-1', values: {} },
    ]);
    // Someone renames hosts after the approval: "esx-01" is now host-2. The run reads the
    // targets again; the host it would now move the VM to is not the approved one.
    const renamed = { ...here, ref: h2.ref };
    assert.deepEqual(checkMigrate(state({ toHost: renamed, toDatastore: d2 })), { host: renamed, datastore: d2 }, 'it would move the VM to host-2');
    refused(() => assertApprovedTargets(approved(p.precondition), [renamed, undefined, d2]), 'the target host "esx-01" now refers to host-2, not the host-1 you approved; nothing was run. Call the tool again for a fresh plan.');
    // The same for a pool and a datastore the VM is already in.
    const pool = migratePlan(state({ toPool: { ...p2, ref: p1.ref }, toDatastore: { ...d2, ref: d1.ref }, toHost: h2 }));
    assert.deepEqual(pool.precondition.slice(2).map((o) => [o.object, o.id]), [['target pool Batch', 'resgroup-1'], ['target datastore ds2', 'datastore-1']]);
    assert.deepEqual(pool.objects, [LABEL, 'target host esx-02 (host-2)'], 'what does not move is not listed as changing');
  });

  it('a target host must take VMs: not in maintenance, connected (unknown passes)', () => {
    refused(() => checkMigrate(state({ toHost: h2, toHostState: { inMaintenance: 'true', connection: 'connected' } })), 'host esx-02 is in maintenance mode and takes no VMs; pick another host or take it out first (vsphere_host_maintenance action exit)');
    refused(() => checkMigrate(state({ toHost: h2, toHostState: { inMaintenance: 'false', connection: 'disconnected' } })), 'host esx-02 is disconnected; pick a connected host');
    refused(() => checkMigrate(state({ toHost: h2, toHostState: { inMaintenance: '', connection: 'notResponding' } })), 'host esx-02 is notResponding; pick a connected host');
    assert.doesNotThrow(() => checkMigrate(state({ toHost: h2, toHostState: { inMaintenance: '', connection: '' } })));
    // The host the VM is on is not checked: it does not move.
    assert.doesNotThrow(() => checkMigrate(state({ toHost: { ...h2, ref: h1.ref }, toDatastore: d2, toHostState: { inMaintenance: 'true', connection: 'disconnected' } })));
  });
});

describe('host maintenance plans', () => {
  const host = target('HostSystem', 'host-9', 'esx-09', 'host');
  const vms = (n: number, powerState = 'poweredOn', prefix = 'vm') => Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${String(i).padStart(3, '0')}`, moref: `vm-${prefix.length}${i}`, powerState }));
  const values = { 'runtime.inMaintenanceMode': 'false', 'runtime.connectionState': 'connected', vm: 'vm-1, vm-2' };
  const hostState = (over: Partial<HostMaintenanceState> = {}): HostMaintenanceState => ({ host, inMaintenance: false, connection: 'connected', vms: [], values, ...over });
  const HOST_PRE = { object: 'host esx-09', type: 'HostSystem', id: 'host-9', values };

  it('enter names the running VMs that must move, and what happens to the powered-off and suspended ones', () => {
    const running = [{ name: 'app', moref: 'vm-1', powerState: 'poweredOn' }, { name: 'db', moref: 'vm-2', powerState: 'poweredOn' }];
    const stopped = [{ name: 'old', moref: 'vm-3', powerState: 'poweredOff' }, { name: 'sleepy', moref: 'vm-4', powerState: 'suspended' }];
    const p = maintenancePlan(hostState({ vms: [...running, ...stopped] }), 'enter', false);
    assert.equal(p.summary, 'Put host esx-09 into maintenance mode (2 running VMs must move to other hosts or be powered off first: app, db; 1 powered-off and 1 suspended VMs stay registered on it); it takes no VMs until it exits');
    assert.deepEqual(p.changes, [
      { object: 'host esx-09 (host-9)', field: 'maintenance mode', before: 'off', after: 'on' },
      { object: 'VM app (vm-1)', field: 'host', before: 'esx-09', after: 'another host, or powered off' },
      { object: 'VM db (vm-2)', field: 'host', before: 'esx-09', after: 'another host, or powered off' },
    ]);
    assert.deepEqual(p.objects, ['host esx-09 (host-9)', 'VM app (vm-1)', 'VM db (vm-2)']);
    assert.deepEqual(p.precondition, [
      HOST_PRE,
      { object: 'VM app', type: 'VirtualMachine', id: 'vm-1', values: { 'runtime.powerState': 'poweredOn' } },
      { object: 'VM db', type: 'VirtualMachine', id: 'vm-2', values: { 'runtime.powerState': 'poweredOn' } },
    ]);
    assert.equal(maintenancePlan(hostState({ vms: [running[0]!, stopped[0]!] }), 'enter', true).summary, 'Put host esx-09 into maintenance mode (1 running VM must move to other hosts or be powered off first: app; 1 powered-off VM will be moved too); it takes no VMs until it exits');
    assert.equal(maintenancePlan(hostState(), 'enter', true).summary, 'Put host esx-09 into maintenance mode (no running VMs on it); it takes no VMs until it exits');
    assert.equal(maintenancePlan(hostState({ vms: stopped }), 'enter', true).summary, 'Put host esx-09 into maintenance mode (no running VMs on it; 1 powered-off and 1 suspended VMs will be moved too); it takes no VMs until it exits');
    // A suspended VM is never called powered off.
    assert.equal(maintenancePlan(hostState({ vms: [stopped[1]!] }), 'enter', false).summary, 'Put host esx-09 into maintenance mode (no running VMs on it; 1 suspended VM stays registered on it); it takes no VMs until it exits');
    assert.equal(maintenancePlan(hostState({ vms: [stopped[0]!, stopped[0]!] }), 'enter', false).summary, 'Put host esx-09 into maintenance mode (no running VMs on it; 2 powered-off VMs stay registered on it); it takes no VMs until it exits');
  });

  it('enter names at most 20 running VMs (and 400 characters), counting the rest', () => {
    const p = maintenancePlan(hostState({ vms: vms(25) }), 'enter', false);
    assert.equal(p.summary, `Put host esx-09 into maintenance mode (25 running VMs must move to other hosts or be powered off first: ${vms(20).map((v) => v.name).join(', ')} and 5 more); it takes no VMs until it exits`);
    assert.equal(maintenancePlan(hostState({ vms: vms(20) }), 'enter', false).summary.includes('more'), false);
    // Long names: a name is left out when the names so far and it pass 400 characters.
    const long = Array.from({ length: 6 }, (_, i) => ({ name: `${String(i)}${'x'.repeat(99)}`, moref: `vm-${i}`, powerState: 'poweredOn' }));
    assert.match(maintenancePlan(hostState({ vms: long }), 'enter', false).summary, new RegExp(`first: ${long.slice(0, 3).map((v) => v.name).join(', ')} and 3 more\\)`));
    // Three names of 100 joined are 304 characters: a fourth of 96 is named (400), one of 97 is not.
    const edge = [...long.slice(0, 3), { name: 'y'.repeat(96), moref: 'vm-9', powerState: 'poweredOn' }];
    assert.match(maintenancePlan(hostState({ vms: edge }), 'enter', false).summary, /x{99}, y{96}\)/);
    const over = [...long.slice(0, 3), { name: 'y'.repeat(97), moref: 'vm-9', powerState: 'poweredOn' }];
    assert.match(maintenancePlan(hostState({ vms: over }), 'enter', false).summary, /x{99} and 1 more\)/);
  });

  it('binds at most 99 running VMs one by one and lists at most 400 changes (the contract limits)', () => {
    const p = maintenancePlan(hostState({ vms: [...vms(450), ...vms(3, 'poweredOff', 'off')] }), 'enter', false);
    assert.equal(p.precondition.length, 100);
    assert.equal(p.objects.length, 100);
    assert.equal(p.changes.length, 401);
    assert.deepEqual(p.precondition[99], { object: 'VM vm-098', type: 'VirtualMachine', id: 'vm-298', values: { 'runtime.powerState': 'poweredOn' } });
  });

  it('exit says the host takes VMs again, and binds the host', () => {
    const p = maintenancePlan(hostState({ inMaintenance: true, vms: vms(3, 'poweredOff') }), 'exit', false);
    assert.equal(p.summary, 'Take host esx-09 out of maintenance mode; it will take VMs again (3 VMs registered on it)');
    assert.deepEqual(p.changes, [{ object: 'host esx-09 (host-9)', field: 'maintenance mode', before: 'on', after: 'off' }]);
    assert.deepEqual(p.objects, ['host esx-09 (host-9)']);
    assert.deepEqual(p.precondition, [HOST_PRE]);
  });

  it('refuses what there is nothing to do for, and a host that is not connected', () => {
    refused(() => checkMaintenance(hostState({ inMaintenance: true }), 'enter'), 'host esx-09 is already in maintenance mode; nothing to do');
    refused(() => checkMaintenance(hostState(), 'exit'), 'host esx-09 is not in maintenance mode; nothing to do');
    refused(() => maintenancePlan(hostState({ connection: 'disconnected' }), 'enter', false), 'host esx-09 is disconnected; reconnect it in vCenter first');
    refused(() => maintenancePlan(hostState({ inMaintenance: true, connection: 'notResponding' }), 'exit', false), 'host esx-09 is notResponding; reconnect it in vCenter first');
    assert.doesNotThrow(() => checkMaintenance(hostState({ connection: '' }), 'enter'));
    assert.doesNotThrow(() => checkMaintenance(hostState({ inMaintenance: true }), 'exit'));
  });
});

describe('write targets', () => {
  const ds = target('Datastore', 'datastore-7', 'ds7', 'datastore');
  it('are named by role, name and moref; their precondition re-reads the values given', () => {
    assert.equal(targetLabel(ds), 'datastore ds7 (datastore-7)');
    assert.deepEqual(targetPrecondition(ds), { object: 'datastore ds7', type: 'Datastore', id: 'datastore-7', values: {} });
    assert.deepEqual(targetPrecondition(ds, { 'summary.accessible': 'true', host: { type: 'HostSystem', value: 'host-1' }, gone: undefined }), { object: 'datastore ds7', type: 'Datastore', id: 'datastore-7', values: { 'summary.accessible': 'true', host: 'host-1', gone: '' } });
  });

  it('sizes read in GB (one decimal under 10), MB under 1 GB, and "unknown size" when vCenter did not say', () => {
    const GB = 1024 ** 3;
    const cases: [number | undefined, string][] = [
      [undefined, 'unknown size'], [NaN, 'unknown size'], [Infinity, 'unknown size'],
      [0, '1 MB'], [1, '1 MB'], [512 * 1024 ** 2, '512 MB'], [GB - 1, '1024 MB'], [GB, '1 GB'],
      [1.55 * GB, '1.6 GB'], [9.94 * GB, '9.9 GB'], [10 * GB, '10 GB'], [40.4 * GB, '40 GB'], [40.6 * GB, '41 GB'],
    ];
    for (const [bytes, text] of cases) assert.equal(sizeText(bytes), text, String(bytes));
  });
});

describe('the binding between an approval and the call that runs (Security)', () => {
  const vm = { ref: { type: 'VirtualMachine', value: 'vm-42' }, name: 'web-01' };
  it('an approved call acts only on the VM the plan read', () => {
    assert.doesNotThrow(() => assertApprovedVm(approved([PRE]), vm));
    assert.doesNotThrow(() => assertApprovedVm({} as ToolExtra, vm), 'a call without an approval (policy allow) has nothing to compare');
    refused(() => assertApprovedVm(approved([PRE]), { ...vm, ref: { type: 'VirtualMachine', value: 'vm-43' } }), 'the name "web-01" now refers to vm-43, not the vm-42 you approved; nothing was run. Call the tool again for a fresh plan.');
    // The VM is found by type, whatever comes first in the precondition.
    const host = { object: 'target host esx-02', type: 'HostSystem', id: 'host-2', values: {} };
    refused(() => assertApprovedVm(approved([host, PRE]), { ...vm, ref: { type: 'VirtualMachine', value: 'vm-43' } }), 'the name "web-01" now refers to vm-43, not the vm-42 you approved; nothing was run. Call the tool again for a fresh plan.');
    assert.doesNotThrow(() => assertApprovedVm(approved([host, PRE]), vm));
  });

  it('an approved call acts only on the targets the plan read, matched by type and role', () => {
    const pre = [PRE, { object: 'target host esx-02', type: 'HostSystem', id: 'host-2', values: {} }, { object: 'target datastore ds2', type: 'Datastore', id: 'datastore-2', values: {} }];
    const h2 = target('HostSystem', 'host-2', 'esx-02', 'target host');
    const d2 = target('Datastore', 'datastore-2', 'ds2', 'target datastore');
    assert.doesNotThrow(() => assertApprovedTargets(approved(pre), [h2, undefined, d2]));
    assert.doesNotThrow(() => assertApprovedTargets({} as ToolExtra, [{ ...h2, ref: { type: 'HostSystem', value: 'host-3' } }]));
    refused(() => assertApprovedTargets(approved(pre), [h2, { ...d2, ref: { type: 'Datastore', value: 'datastore-3' } }]), 'the target datastore "ds2" now refers to datastore-3, not the datastore-2 you approved; nothing was run. Call the tool again for a fresh plan.');
    refused(() => assertApprovedTargets(approved(pre), [{ ...h2, ref: { type: 'HostSystem', value: 'host-3' } }]), 'the target host "esx-02" now refers to host-3, not the host-2 you approved; nothing was run. Call the tool again for a fresh plan.');
    // Another role of the same type ("host" of a maintenance plan vs "target host") is not this target's approval.
    const own = target('HostSystem', 'host-3', 'esx-03', 'host');
    assert.doesNotThrow(() => assertApprovedTargets(approved(pre), [own]));
    // A role is matched as a whole word: "target host" does not match the approved "target hosts …".
    assert.doesNotThrow(() => assertApprovedTargets(approved([{ object: 'target hostX esx-02', type: 'HostSystem', id: 'host-2', values: {} }]), [{ ...h2, ref: { type: 'HostSystem', value: 'host-3' } }]));
    // Same role text, other type: not compared.
    assert.doesNotThrow(() => assertApprovedTargets(approved([{ object: 'target host esx-02', type: 'ClusterComputeResource', id: 'domain-c1', values: {} }]), [h2]));
  });

  it('a changed precondition value is explained in words where the change says why', () => {
    const change = (key: string, after?: string) => explain({ object: 'VM web-01', key, before: 'x', ...(after !== undefined && { after }) });
    assert.equal(change('runtime.powerState', 'poweredOff'), 'it was powered off by someone else');
    assert.equal(change('runtime.powerState', 'poweredOn'), 'it was powered on by someone else');
    assert.equal(change('runtime.powerState', 'suspended'), 'it was suspended by someone else');
    assert.equal(change('runtime.powerState', 'unknown'), undefined);
    assert.equal(change('runtime.powerState'), undefined);
    for (const key of ['config.changeVersion', 'config.hardware.numCPU', 'config.hardware.memoryMB', 'config.cpuHotAddEnabled', 'config.memoryHotAddEnabled', 'config.cpuHotRemoveEnabled']) {
      assert.equal(change(key, 'y'), 'its configuration was changed by someone else', key);
    }
    assert.equal(change('snapshot', 'y'), 'its snapshots were changed by someone else');
    assert.equal(change('vm', 'y'), 'VMs were added to or removed from it');
    assert.equal(change('runtime.host', 'y'), 'it was moved by someone else');
    assert.equal(change('datastore', 'y'), 'it was moved by someone else');
    assert.equal(change('runtime.inMaintenanceMode', 'true'), 'it was put into maintenance mode by someone else');
    assert.equal(change('runtime.inMaintenanceMode', 'false'), 'it was taken out of maintenance mode by someone else');
    for (const key of ['resourcePool', 'runtime.connectionState', 'name', 'config.template', 'xconfig.hardware.numCPU', 'config.cpuHotAddEnabledX']) assert.equal(change(key, 'y'), undefined, key);
  });
});
