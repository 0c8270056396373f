import type { PlanDraft } from '../../runtime/plan/tool-planner.js';
import { pickSnapshot } from '../inventory/find-snapshot.js';
import type { SnapshotRow } from '../inventory/snapshot-tree.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { describeVm, vmLabel, vmPrecondition, type VmState } from './vm-state.js';

/** "2026-11-30 09:12 UTC" from a vim25 dateTime; the text as is when it does not parse. */
export function shortTime(iso: string | undefined): string {
  if (!iso) return 'an unknown time';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const snapLabel = (vm: VmState, s: SnapshotRow) => `snapshot '${s.name}' (${s.moref}) of VM ${vm.name}`;

// A Map, not an object: a snapshot's state is vCenter's text, and `constructor` must not find a function.
const ENDS = new Map([
  ['poweredOff', 'powered off'],
  ['poweredOn', 'powered on'],
  ['suspended', 'suspended'],
]);

/** Plan of vsphere_snapshot_create. */
export function createSnapshotPlan(vm: VmState, args: { name: string; memory: boolean; quiesce: boolean }): PlanDraft {
  if (args.quiesce && vm.toolsRunning === false) throw new VsphereToolError(`cannot quiesce VM ${vm.name}: VMware Tools are not running in the guest; call again with quiesce false`);
  const extras = [args.memory ? 'with its memory' : '', args.quiesce ? 'quiescing the guest file system' : ''].filter(Boolean).join(', ');
  return {
    summary: `Take snapshot '${args.name}' of VM ${vm.name}${extras ? ` ${extras}` : ''} (${describeVm(vm)}); it uses datastore space and briefly stuns the VM`,
    changes: [{ object: vmLabel(vm), field: 'snapshots', before: String(vm.snapshots.length), after: `${vm.snapshots.length + 1} (new '${args.name}')` }],
    objects: [vmLabel(vm)],
    precondition: [vmPrecondition(vm)],
    facts: [vm.facts],
  };
}

/** Plan of vsphere_snapshot_revert: "Revert web-01 to snapshot 'pre-patch' from …; changes since then are lost". */
export function revertSnapshotPlan(vm: VmState, args: { snapshot: string; suppressPowerOn: boolean }): PlanDraft {
  const snap = pickSnapshot(vm.name, vm.snapshots, args.snapshot);
  const current = vm.snapshots.find((s) => s.current);
  const powerAfter = snap.state === 'poweredOn' && args.suppressPowerOn ? 'poweredOff' : (snap.state ?? 'as in the snapshot');
  // A revert can power the VM off (or on): the summary says so, not only its changes (D160).
  const ends = powerAfter === vm.powerState ? undefined : ENDS.get(powerAfter);
  return {
    summary: `Revert VM ${vm.name} to snapshot '${snap.name}' from ${shortTime(snap.createTime)}; changes since then are lost${ends ? ` and the VM ends ${ends}` : ''} (${describeVm(vm)})`,
    changes: [
      { object: vmLabel(vm), field: 'current snapshot', before: current ? `'${current.name}'` : '(none)', after: `'${snap.name}'` },
      { object: vmLabel(vm), field: 'power state', before: vm.powerState, after: powerAfter },
      { object: vmLabel(vm), field: 'disk and memory state', before: 'as now', after: `as at ${shortTime(snap.createTime)}` },
    ],
    objects: [vmLabel(vm), snapLabel(vm, snap)],
    precondition: [vmPrecondition(vm)],
    facts: [vm.facts],
  };
}

/** Plan of vsphere_snapshot_delete: which snapshots go, and that their state cannot be restored. */
export function deleteSnapshotPlan(vm: VmState, args: { snapshot: string; removeChildren: boolean }): PlanDraft {
  const snap = pickSnapshot(vm.name, vm.snapshots, args.snapshot);
  const below: SnapshotRow[] = [];
  const collect = (parent: string) => {
    for (const s of vm.snapshots) if (s.parent === parent) { below.push(s); collect(s.moref); }
  };
  collect(snap.moref);
  const gone = args.removeChildren ? [snap, ...below] : [snap];
  const rest = below.length === 0 ? '' : args.removeChildren ? ` and the ${below.length} snapshot(s) below it` : ` (the ${below.length} snapshot(s) below it stay)`;
  return {
    summary: `Delete snapshot '${snap.name}' from ${shortTime(snap.createTime)} of VM ${vm.name}${rest}; the deleted state can no longer be restored (${describeVm(vm)})`,
    changes: gone.map((s) => ({ object: snapLabel(vm, s), field: 'snapshot', before: `taken ${shortTime(s.createTime)}` })),
    objects: [vmLabel(vm), ...gone.map((s) => snapLabel(vm, s))],
    precondition: [vmPrecondition(vm)],
    facts: [vm.facts],
  };
}
