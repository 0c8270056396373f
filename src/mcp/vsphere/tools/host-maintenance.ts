import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { taskRef } from '../inventory/task-ref.js';
import { checkMaintenance, MAINTENANCE_ACTIONS, maintenancePlan, readHostMaintenance } from '../plan/maintenance-plan.js';
import { recheckVsphere } from '../plan/recheck-vsphere.js';
import { assertApprovedTargets } from '../plan/write-targets.js';
import { endpointArg } from './tool-support.js';
import { DESTRUCTIVE_IDEMPOTENT, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** `vsphere_host_maintenance`: put a host into maintenance mode or take it out. */
export function registerHostMaintenanceTool(tools: Toolkit, deps: { clients: VsphereClients; taskDeadlineMs: number }): void {
  tools.define({
    name: 'vsphere_host_maintenance',
    title: 'Enter or exit host maintenance mode',
    description:
      'Put an ESXi host into maintenance mode (its running VMs must move away first: DRS in fully automated mode migrates them, otherwise the task waits until they are moved or powered off) or take it out. The plan lists the running VMs. Waits for the user\'s approval and the task.',
    inputSchema: {
      endpoint: endpointArg,
      host: z.string().min(1).max(256).describe('Host name (exact) or moref such as host-21'),
      action: z.enum(MAINTENANCE_ACTIONS).describe('enter or exit maintenance mode'),
      evacuatePoweredOffVms: z.boolean().default(false).describe('On enter in a DRS cluster: also move powered-off VMs away (default false)'),
      timeoutSeconds: z.number().int().min(0).max(86_400).default(0).describe('On enter: seconds vCenter waits for the VMs to leave before failing the task; 0 waits without limit (up to the tool\'s own task deadline)'),
    },
    outputSchema: {
      host: z.string().describe('Host name'),
      moref: z.string().describe('Host moref'),
      action: z.enum(MAINTENANCE_ACTIONS).describe('The action that ran'),
      inMaintenanceMode: z.boolean().describe('Maintenance mode after the task'),
      runningVms: z.array(z.string()).describe('VMs still powered on on the host after the task'),
    },
    // Takes a host out of service and moves or stops its VMs; doing it twice changes nothing more.
    annotations: DESTRUCTIVE_IDEMPOTENT,
    plan: async ({ endpoint, host, action, evacuatePoweredOffVms }) => maintenancePlan(await readHostMaintenance(await deps.clients.forEndpoint(endpoint, undefined), host), action, evacuatePoweredOffVms),
    recheck: ({ endpoint }, precondition) => recheckVsphere(deps.clients, endpoint, precondition),
    run: async ({ endpoint, host, action, evacuatePoweredOffVms, timeoutSeconds }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const s = await readHostMaintenance(client, host);
      assertApprovedTargets(extra, [s.host]);
      checkMaintenance(s, action);
      // WSDL order of EnterMaintenanceMode_Task: timeout, evacuatePoweredOffVms, maintenanceSpec.
      const task =
        action === 'enter'
          ? taskRef(await client.invoke('EnterMaintenanceMode_Task', s.host.ref, `<timeout>${timeoutSeconds}</timeout><evacuatePoweredOffVms>${evacuatePoweredOffVms}</evacuatePoweredOffVms>`), 'EnterMaintenanceMode_Task')
          : taskRef(await client.invoke('ExitMaintenanceMode_Task', s.host.ref, `<timeout>${timeoutSeconds}</timeout>`), 'ExitMaintenanceMode_Task');
      await client.waitForTask(task, { deadlineMs: deps.taskDeadlineMs });
      const now = await readHostMaintenance(client, s.host.ref.value);
      const runningVms = now.vms.filter((v) => v.powerState === 'poweredOn').map((v) => v.name);
      return toolResult(
        `host ${s.host.name} ${now.inMaintenance ? 'is in maintenance mode' : 'is out of maintenance mode'}${runningVms.length ? `; still running on it: ${runningVms.join(', ')}` : ''}`,
        { host: s.host.name, moref: s.host.ref.value, action, inMaintenanceMode: now.inMaintenance, runningVms },
      );
    },
  });
}
