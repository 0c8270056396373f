import { isConnectorError, propertyText, type ManagedObjectRef, type VsphereClient } from '../../../connectors/vsphere/index.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { taskRef } from './task-ref.js';

/** The power actions of vsphere_power. */
export const POWER_ACTIONS = ['on', 'off', 'reset', 'suspend', 'shutdown_guest', 'reboot_guest'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

/** vim25 method per action; the guest ones return no Task (reference §6). */
const METHODS: Record<PowerAction, { method: string; task: boolean; settles?: string }> = {
  on: { method: 'PowerOnVM_Task', task: true },
  off: { method: 'PowerOffVM_Task', task: true },
  reset: { method: 'ResetVM_Task', task: true },
  suspend: { method: 'SuspendVM_Task', task: true },
  shutdown_guest: { method: 'ShutdownGuest', task: false, settles: 'poweredOff' },
  reboot_guest: { method: 'RebootGuest', task: false },
};

/** What a power action did. */
export interface PowerOutcome {
  readonly previousState: string;
  readonly powerState: string;
  /** False when a guest shutdown was asked for but the VM had not stopped by the deadline. */
  readonly settled: boolean;
}

/**
 * Runs one power action and reports the state afterwards. Task methods are waited for;
 * a guest shutdown is followed until the VM is off or the deadline passes, because the
 * guest decides when it stops. Faults (e.g. InvalidPowerState for powering off an off VM)
 * become a VsphereToolError that names the VM.
 */
export async function runPowerAction(client: VsphereClient, vm: ManagedObjectRef, vmName: string, action: PowerAction, deadlineMs: number): Promise<PowerOutcome> {
  const stateOf = async (): Promise<string> => propertyText((await client.retrieveObjects([vm], ['runtime.powerState']))[0]?.props['runtime.powerState']) ?? 'unknown';
  const previousState = await stateOf();
  const { method, task, settles } = METHODS[action];
  try {
    const response = await client.invoke(method, vm);
    if (task) await client.waitForTask(taskRef(response, method), { deadlineMs });
  } catch (error) {
    if (isConnectorError(error) && error.code === 'CONN_FAULT') {
      throw new VsphereToolError(`${action.replace('_', ' ')} of VM ${vmName} failed (it was ${previousState}): ${error.message}`);
    }
    throw error;
  }
  let powerState = await stateOf();
  if (settles === undefined) return { previousState, powerState, settled: true };
  const deadline = Date.now() + deadlineMs;
  for (let delay = 100; powerState !== settles && Date.now() < deadline; delay = Math.min(delay * 2, 2_000)) {
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    powerState = await stateOf();
  }
  return { previousState, powerState, settled: powerState === settles };
}
