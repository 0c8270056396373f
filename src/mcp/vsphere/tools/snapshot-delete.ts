import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { findSnapshot } from '../inventory/find-snapshot.js';
import { taskRef } from '../inventory/task-ref.js';
import { assertApprovedVm, recheckVsphere } from '../plan/recheck-vsphere.js';
import { deleteSnapshotPlan } from '../plan/snapshot-plans.js';
import { readVmState } from '../plan/vm-state.js';
import { endpointArg } from './tool-support.js';
import { DESTRUCTIVE, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';
import { vmTagReader } from '../plan/vm-tags.js';

/** `vsphere_snapshot_delete`: remove a snapshot (its state can no longer be restored). */
export function registerSnapshotDeleteTool(tools: Toolkit, deps: { clients: VsphereClients; taskDeadlineMs: number }): void {
  tools.define({
    name: 'vsphere_snapshot_delete',
    title: 'Delete a VM snapshot',
    description: 'Delete one snapshot of a VM, optionally with its children. The VM keeps running; the snapshot state is gone.',
    inputSchema: {
      endpoint: endpointArg,
      vm: z.string().min(1).max(256).describe('VM name (exact) or moref such as vm-63'),
      snapshot: z.string().min(1).max(256).describe('Snapshot name (exact) or moref such as snapshot-78'),
      removeChildren: z.boolean().default(false).describe('Also delete every snapshot below it'),
    },
    outputSchema: { vm: z.string().describe('VM name'), snapshot: z.string().describe('Moref of the deleted snapshot'), name: z.string().describe('Its name') },
    annotations: DESTRUCTIVE,
    plan: async (args) => deleteSnapshotPlan(await readVmState(await deps.clients.forEndpoint(args.endpoint, undefined), args.vm, vmTagReader(deps.clients, args.endpoint)), args),
    recheck: ({ endpoint }, precondition) => recheckVsphere(deps.clients, endpoint, precondition),
    run: async ({ endpoint, vm, snapshot, removeChildren }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const found = await findSnapshot(client, vm, snapshot);
      assertApprovedVm(extra, { ref: found.vmRef, name: found.vm });
      // WSDL order: removeChildren, consolidate (default true upstream).
      const task = taskRef(await client.invoke('RemoveSnapshot_Task', found.ref, `<removeChildren>${removeChildren}</removeChildren>`), 'RemoveSnapshot_Task');
      await client.waitForTask(task, { deadlineMs: deps.taskDeadlineMs });
      return toolResult(`deleted snapshot ${found.row.name} (${found.ref.value}) of ${found.vm}`, { vm: found.vm, snapshot: found.ref.value, name: found.row.name });
    },
  });
}
