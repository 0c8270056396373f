import { propertyScalar, type VsphereClient } from '../../../connectors/vsphere/index.js';
import type { PlanDraft } from '../../runtime/plan/tool-planner.js';
import type { PlanChange } from '../../../base/contracts/approval.js';
import type { PreconditionObject } from '../../../base/contracts/plan-protocol.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { preconditionValue, readVmState, vmLabel, vmPrecondition, type VmState } from './vm-state.js';
import type { VmTagReader } from './vm-tags.js';

/** What vsphere_reconfigure_vm reads of a VM besides its plan state: size and hot-plug flags. */
export interface VmSize {
  /** NaN when vCenter did not say (an inaccessible VM has no configuration) or sent no number. */
  readonly numCpu: number;
  /** NaN when vCenter did not say, as numCpu. */
  readonly memoryMb: number;
  readonly cpuHotAdd: boolean;
  readonly cpuHotRemove: boolean;
  readonly memoryHotAdd: boolean;
  readonly template: boolean;
  /** The size and hot-plug properties as a precondition compares them. */
  readonly values: Record<string, string>;
}

const SIZE_PATHS = ['config.hardware.numCPU', 'config.hardware.memoryMB', 'config.cpuHotAddEnabled', 'config.cpuHotRemoveEnabled', 'config.memoryHotAddEnabled'];

const flag = (v: unknown) => v === true || v === 'true';

/** Read a VM's plan state and its CPU, memory and hot-plug settings. */
export async function readVmSize(client: VsphereClient, vm: string, tags?: VmTagReader): Promise<{ vm: VmState; size: VmSize }> {
  const state = await readVmState(client, vm, tags);
  const [o] = await client.retrieveObjects([state.ref], [...SIZE_PATHS, 'config.template']);
  const p = o?.props ?? {};
  return {
    vm: state,
    size: {
      numCpu: Number(propertyScalar(p['config.hardware.numCPU'])),
      memoryMb: Number(propertyScalar(p['config.hardware.memoryMB'])),
      cpuHotAdd: flag(p['config.cpuHotAddEnabled']),
      cpuHotRemove: flag(p['config.cpuHotRemoveEnabled']),
      memoryHotAdd: flag(p['config.memoryHotAddEnabled']),
      template: flag(p['config.template']),
      values: Object.fromEntries(SIZE_PATHS.map((path) => [path, preconditionValue(path, p[path])])),
    },
  };
}

/**
 * The guards of vsphere_reconfigure_vm: something must change, memory in 4 MB steps, a
 * template is not resized, and a powered-on VM changes only what it can hot-plug (vSphere
 * hot-adds CPUs and memory only when enabled, hot-removes CPUs only when enabled, and
 * never hot-removes memory). Returns the changes.
 */
export function checkReconfigure(vm: VmState, size: VmSize, args: { numCpus?: number; memoryMb?: number }): PlanChange[] {
  const changes: PlanChange[] = [];
  // What is asked and differs from now; undefined when not asked (undefined differs from any size, and is kept).
  const cpu = args.numCpus !== size.numCpu ? args.numCpus : undefined;
  const mem = args.memoryMb !== size.memoryMb ? args.memoryMb : undefined;
  if (args.numCpus === undefined && args.memoryMb === undefined) throw new VsphereToolError('pass numCpus, memoryMb or both; nothing to change');
  // An approval names what changes from what: without vCenter's current size there is no
  // "before" (it read "CPUs 0 → 4", and the hot-plug guards compared with that 0; D132).
  if (!(size.numCpu > 0) || !(size.memoryMb > 0)) throw new VsphereToolError(`vCenter did not say how many CPUs and how much memory VM ${vm.name} has (an inaccessible VM has no configuration); nothing was planned, check the VM in vCenter`);
  if (cpu === undefined && mem === undefined) throw new VsphereToolError(`VM ${vm.name} already has ${size.numCpu} CPUs and ${size.memoryMb} MB; nothing to do`);
  if (mem !== undefined && mem % 4 !== 0) throw new VsphereToolError(`memoryMb must be a multiple of 4 (vSphere's rule); ${mem} is not, try ${Math.round(mem / 4) * 4}`);
  if (size.template) throw new VsphereToolError(`${vm.name} is a template; clone it (vsphere_clone_vm) and resize the clone`);
  if (vm.powerState === 'poweredOn') {
    const off = `power it off first (vsphere_power action shutdown_guest or off), then call again`;
    // What stays is compared as it is (not up, not down), so only what changes is checked.
    const cpuTo = cpu ?? size.numCpu;
    const memTo = mem ?? size.memoryMb;
    if (cpuTo > size.numCpu && !size.cpuHotAdd) throw new VsphereToolError(`VM ${vm.name} is powered on and CPU hot add is disabled on it, so its CPUs cannot go ${size.numCpu} → ${cpuTo} now; ${off}`);
    if (cpuTo < size.numCpu && !size.cpuHotRemove) throw new VsphereToolError(`VM ${vm.name} is powered on and CPU hot remove is disabled on it, so its CPUs cannot go ${size.numCpu} → ${cpuTo} now; ${off}`);
    if (memTo > size.memoryMb && !size.memoryHotAdd) throw new VsphereToolError(`VM ${vm.name} is powered on and memory hot add is disabled on it, so its memory cannot go ${size.memoryMb} → ${memTo} MB now; ${off}`);
    if (memTo < size.memoryMb) throw new VsphereToolError(`VM ${vm.name} is powered on and vSphere never removes memory from a running VM (${size.memoryMb} → ${memTo} MB); ${off}`);
  }
  if (cpu !== undefined) changes.push({ object: vmLabel(vm), field: 'CPUs', before: String(size.numCpu), after: String(cpu) });
  if (mem !== undefined) changes.push({ object: vmLabel(vm), field: 'memory MB', before: String(size.memoryMb), after: String(mem) });
  return changes;
}

/** Plan of vsphere_reconfigure_vm: "Set VM web-01 CPUs 2 → 4, memory 4096 → 8192 MB (now poweredOff)". */
export function reconfigurePlan(vm: VmState, size: VmSize, args: { numCpus?: number; memoryMb?: number }): PlanDraft {
  const changes = checkReconfigure(vm, size, args);
  const parts = changes.map((c) => (c.field === 'CPUs' ? `CPUs ${c.before} → ${c.after}` : `memory ${c.before} → ${c.after} MB`));
  const hot = vm.powerState === 'poweredOn' ? ', hot-plugged while it runs' : '';
  return {
    summary: `Set VM ${vm.name} ${parts.join(', ')} (now ${vm.powerState}${hot})`,
    changes,
    objects: [vmLabel(vm)],
    precondition: [sizePrecondition(vm, size)],
    facts: [vm.facts],
  };
}

/**
 * The VM as a precondition, with its size and hot-plug flags besides config.changeVersion
 * (which vCenter bumps on every change; vcsim keeps it empty, so the size is checked too).
 */
export function sizePrecondition(vm: VmState, size: VmSize): PreconditionObject {
  const base = vmPrecondition(vm);
  return {
    ...base,
    values: { ...base.values, ...size.values },
  };
}
