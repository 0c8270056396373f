import { z } from 'zod';
import { moRefElement } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { taskRef } from '../inventory/task-ref.js';
import { checkMigrate, migratePlan, readMigrate } from '../plan/migrate-plan.js';
import { assertApprovedVm, recheckVsphere } from '../plan/recheck-vsphere.js';
import { assertApprovedTargets, targetOf } from '../plan/write-targets.js';
import { endpointArg } from './tool-support.js';
import { IDEMPOTENT_CHANGE, type Toolkit, toolResult } from '../../runtime/toolkit/index.js';
import { vmTagReader } from '../plan/vm-tags.js';

/** `vsphere_migrate_vm`: move a VM to another host, resource pool and/or datastore (RelocateVM_Task). */
export function registerMigrateVmTool(tools: Toolkit, deps: { clients: VsphereClients; taskDeadlineMs: number }): void {
  tools.define({
    name: 'vsphere_migrate_vm',
    title: 'Migrate a VM',
    description:
      'Move a VM to another host, resource pool and/or datastore (vMotion / Storage vMotion when it runs). Name at least one target; a host in another cluster puts the VM in that cluster\'s root pool unless pool is given. Waits for the user\'s approval and the task.',
    inputSchema: {
      endpoint: endpointArg,
      vm: z.string().min(1).max(256).describe('VM name (exact) or moref such as vm-63'),
      host: z.string().min(1).max(256).optional().describe('Target host name or moref (host-21); leave out to keep the host'),
      pool: z.string().min(1).max(256).optional().describe('Target resource pool moref (resgroup-9) or unique name; leave out to keep the pool'),
      datastore: z.string().min(1).max(256).optional().describe('Target datastore name or moref; leave out to keep the disks where they are'),
    },
    outputSchema: {
      vm: z.string().describe('VM name'),
      moref: z.string().describe('VM moref'),
      host: z.string().optional().describe('Host the VM is on after the move'),
      pool: z.string().optional().describe('Resource pool after the move'),
      datastores: z.array(z.string()).describe('Datastores of the VM after the move'),
    },
    // Moves, destroys nothing; the same move again changes nothing more.
    annotations: IDEMPOTENT_CHANGE,
    plan: async ({ endpoint, ...args }) => migratePlan(await readMigrate(await deps.clients.forEndpoint(endpoint, undefined), args, vmTagReader(deps.clients, endpoint))),
    recheck: ({ endpoint }, precondition) => recheckVsphere(deps.clients, endpoint, precondition),
    run: async ({ endpoint, ...args }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const s = await readMigrate(client, args);
      assertApprovedVm(extra, s.vm);
      assertApprovedTargets(extra, [s.toHost, s.toPool, s.toDatastore]);
      const m = checkMigrate(s);
      // WSDL order of VirtualMachineRelocateSpec: service, folder, datastore, diskMoveType, pool, host.
      const spec = (m.datastore ? moRefElement('datastore', m.datastore.ref) : '') + (m.pool ? moRefElement('pool', m.pool.ref) : '') + (m.host ? moRefElement('host', m.host.ref) : '');
      const task = taskRef(await client.invoke('RelocateVM_Task', s.vm.ref, `<spec>${spec}</spec>`), 'RelocateVM_Task');
      await client.waitForTask(task, { deadlineMs: deps.taskDeadlineMs });
      const [o] = await client.retrieveObjects([s.vm.ref], ['runtime.host', 'resourcePool', 'datastore']);
      const host = await targetOf(client, o?.props['runtime.host'], 'host');
      const pool = await targetOf(client, o?.props['resourcePool'], 'pool');
      const dsRefs = o?.props['datastore'];
      const datastores: string[] = [];
      for (const ref of Array.isArray(dsRefs) ? dsRefs : dsRefs !== undefined ? [dsRefs] : []) {
        const t = await targetOf(client, ref, 'datastore');
        if (t) datastores.push(t.name);
      }
      const from = [s.fromHost?.name, s.fromDatastores.map((d) => d.name).join(', ')].filter(Boolean).join(' / ');
      return toolResult(
        `migrated ${s.vm.name}: ${from} → ${[host?.name, datastores.join(', ')].filter(Boolean).join(' / ')}`,
        { vm: s.vm.name, moref: s.vm.ref.value, ...(host && { host: host.name }), ...(pool && { pool: pool.name }), datastores },
      );
    },
  });
}
