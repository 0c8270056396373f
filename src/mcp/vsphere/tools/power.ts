import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { POWER_ACTIONS, runPowerAction } from '../inventory/power-action.js';
import { powerPlan } from '../plan/power-plan.js';
import { assertApprovedVm, recheckVsphere } from '../plan/recheck-vsphere.js';
import { readVmState } from '../plan/vm-state.js';
import { endpointArg } from './tool-support.js';
import { DESTRUCTIVE, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';
import { vmTagReader } from '../plan/vm-tags.js';

/** `vsphere_power`: power a VM on, off, reset, suspend, or shut down / reboot its guest. */
export function registerPowerTool(tools: Toolkit, deps: { clients: VsphereClients; taskDeadlineMs: number }): void {
  tools.define({
    name: 'vsphere_power',
    title: 'Change VM power state',
    description:
      'Power a VM on, off (hard), reset, suspend, or ask its guest to shut down or reboot (needs VMware Tools). Waits for the task and reports the new state.',
    inputSchema: {
      endpoint: endpointArg,
      vm: z.string().min(1).max(256).describe('VM name (exact) or moref such as vm-63'),
      action: z.enum(POWER_ACTIONS).describe('on, off (hard power off), reset (hard), suspend, shutdown_guest or reboot_guest'),
    },
    outputSchema: {
      vm: z.string().describe('VM name'),
      moref: z.string().describe('VM moref'),
      action: z.enum(POWER_ACTIONS).describe('The action that ran'),
      previousState: z.string().describe('Power state before'),
      powerState: z.string().describe('Power state after'),
      settled: z.boolean().describe('False when a guest shutdown was still in progress at the deadline'),
    },
    annotations: DESTRUCTIVE,
    plan: async ({ endpoint, vm, action }) => powerPlan(await readVmState(await deps.clients.forEndpoint(endpoint, undefined), vm, vmTagReader(deps.clients, endpoint)), action),
    recheck: ({ endpoint }, precondition) => recheckVsphere(deps.clients, endpoint, precondition),
    run: async ({ endpoint, vm, action }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const target = await findEntity(client, 'VirtualMachine', vm, 'VM');
      assertApprovedVm(extra, target);
      const outcome = await runPowerAction(client, target.ref, target.name, action, deps.taskDeadlineMs);
      const note = outcome.settled ? '' : ' (the guest is still shutting down)';
      return toolResult(
        `${action.replace('_', ' ')} ${target.name}: ${outcome.previousState} → ${outcome.powerState}${note}`,
        { vm: target.name, moref: target.ref.value, action, ...outcome },
      );
    },
  });
}
