import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { findSnapshot } from '../inventory/find-snapshot.js';
import { taskRef } from '../inventory/task-ref.js';
import { assertApprovedVm, recheckVsphere } from '../plan/recheck-vsphere.js';
import { revertSnapshotPlan } from '../plan/snapshot-plans.js';
import { readVmState } from '../plan/vm-state.js';
import { endpointArg } from './tool-support.js';
import { DESTRUCTIVE, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';
import { vmTagReader } from '../plan/vm-tags.js';

/** `vsphere_snapshot_revert`: go back to a snapshot (changes since are lost). */
export function registerSnapshotRevertTool(tools: Toolkit, deps: { clients: VsphereClients; taskDeadlineMs: number }): void {
  tools.define({
    name: 'vsphere_snapshot_revert',
    title: 'Revert a VM to a snapshot',
    description: 'Revert a VM to one of its snapshots. Everything since that snapshot is lost.',
    inputSchema: {
      endpoint: endpointArg,
      vm: z.string().min(1).max(256).describe('VM name (exact) or moref such as vm-63'),
      snapshot: z.string().min(1).max(256).describe('Snapshot name (exact) or moref such as snapshot-78'),
      suppressPowerOn: z.boolean().default(false).describe('Stay powered off even if the snapshot was taken while on'),
    },
    outputSchema: { vm: z.string().describe('VM name'), snapshot: z.string().describe('Moref of the snapshot now current'), name: z.string().describe('Its name') },
    annotations: DESTRUCTIVE,
    plan: async (args) => revertSnapshotPlan(await readVmState(await deps.clients.forEndpoint(args.endpoint, undefined), args.vm, vmTagReader(deps.clients, args.endpoint)), args),
    recheck: ({ endpoint }, precondition) => recheckVsphere(deps.clients, endpoint, precondition),
    run: async ({ endpoint, vm, snapshot, suppressPowerOn }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const found = await findSnapshot(client, vm, snapshot);
      assertApprovedVm(extra, { ref: found.vmRef, name: found.vm });
      // WSDL order: host (omitted: stay where it is), suppressPowerOn.
      const task = taskRef(await client.invoke('RevertToSnapshot_Task', found.ref, `<suppressPowerOn>${suppressPowerOn}</suppressPowerOn>`), 'RevertToSnapshot_Task');
      await client.waitForTask(task, { deadlineMs: deps.taskDeadlineMs });
      return toolResult(`reverted ${found.vm} to snapshot ${found.row.name} (${found.ref.value})`, { vm: found.vm, snapshot: found.ref.value, name: found.row.name });
    },
  });
}
