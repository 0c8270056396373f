import type { PowerAction } from '../inventory/power-action.js';
import type { PlanDraft } from '../../runtime/plan/tool-planner.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { describeVm, vmLabel, vmPrecondition, type VmState } from './vm-state.js';

const VERB: Record<PowerAction, string> = {
  on: 'Power on',
  off: 'Power off',
  reset: 'Reset (hard)',
  suspend: 'Suspend',
  shutdown_guest: 'Shut down the guest OS of',
  reboot_guest: 'Reboot the guest OS of',
};

/** The power state each action ends in. */
const AFTER: Record<PowerAction, string> = {
  on: 'poweredOn',
  off: 'poweredOff',
  reset: 'poweredOn (restarted)',
  suspend: 'suspended',
  shutdown_guest: 'poweredOff',
  reboot_guest: 'poweredOn (guest restarted)',
};

/**
 * The power tool's guard: an action that cannot apply to the VM's current state is refused
 * before anyone is asked (powering off an off VM, suspending a suspended one).
 */
export function checkPowerAction(vm: VmState, action: PowerAction): void {
  const s = vm.powerState;
  if (action === 'on' && s === 'poweredOn') throw new VsphereToolError(`VM ${vm.name} is already poweredOn; nothing to do`);
  if (action === 'off' && s === 'poweredOff') throw new VsphereToolError(`VM ${vm.name} is already poweredOff; nothing to do`);
  if (action !== 'on' && action !== 'off' && s !== 'poweredOn') {
    throw new VsphereToolError(`cannot ${action.replace('_', ' ')} VM ${vm.name}: it is ${s}; it must be poweredOn (use action "on" first)`);
  }
  if ((action === 'shutdown_guest' || action === 'reboot_guest') && vm.toolsRunning === false) {
    throw new VsphereToolError(`cannot ${action.replace('_', ' ')} VM ${vm.name}: VMware Tools are not running in the guest; use "off" or "reset" instead`);
  }
}

/** "Power off VM web-01 (now poweredOn, 2 vCPU, on esx-07, guest tools running, 3 snapshots)". */
export function powerPlan(vm: VmState, action: PowerAction): PlanDraft {
  checkPowerAction(vm, action);
  return {
    summary: `${VERB[action]} VM ${vm.name} (${describeVm(vm)})`,
    changes: [{ object: vmLabel(vm), field: 'power state', before: vm.powerState, after: AFTER[action] }],
    objects: [vmLabel(vm)],
    precondition: [vmPrecondition(vm)],
    facts: [vm.facts],
  };
}
