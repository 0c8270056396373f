import { z } from 'zod';
import { isMoRef, xmlElement } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { taskRef } from '../inventory/task-ref.js';
import { assertApprovedVm, recheckVsphere } from '../plan/recheck-vsphere.js';
import { createSnapshotPlan } from '../plan/snapshot-plans.js';
import { readVmState } from '../plan/vm-state.js';
import { endpointArg } from './tool-support.js';
import { ADDITIVE, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';
import { vmTagReader } from '../plan/vm-tags.js';

/** `vsphere_snapshot_create`: take a snapshot and wait for it (asks: it fills datastores and stuns the VM). */
export function registerSnapshotCreateTool(tools: Toolkit, deps: { clients: VsphereClients; taskDeadlineMs: number }): void {
  tools.define({
    name: 'vsphere_snapshot_create',
    title: 'Create a VM snapshot',
    description: 'Take a snapshot of a VM and wait until it exists. Waits for the user\'s approval.',
    inputSchema: {
      endpoint: endpointArg,
      vm: z.string().min(1).max(256).describe('VM name (exact) or moref such as vm-63'),
      name: z.string().min(1).max(80).describe('Snapshot name'),
      description: z.string().max(1024).optional().describe('Snapshot description'),
      memory: z.boolean().default(false).describe('Include the memory of a running VM (slower, larger)'),
      quiesce: z.boolean().default(false).describe('Quiesce the guest file system first (needs VMware Tools)'),
    },
    outputSchema: { vm: z.string().describe('VM name'), snapshot: z.string().describe('Moref of the new snapshot'), name: z.string().describe('Snapshot name') },
    annotations: ADDITIVE,
    plan: async (args) => createSnapshotPlan(await readVmState(await deps.clients.forEndpoint(args.endpoint, undefined), args.vm, vmTagReader(deps.clients, args.endpoint)), args),
    recheck: ({ endpoint }, precondition) => recheckVsphere(deps.clients, endpoint, precondition),
    run: async ({ endpoint, vm, name, description, memory, quiesce }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const target = await findEntity(client, 'VirtualMachine', vm, 'VM');
      assertApprovedVm(extra, target);
      // WSDL order: name, description, memory, quiesce.
      const params = xmlElement('name', name) + (description !== undefined ? xmlElement('description', description) : '') + `<memory>${memory}</memory><quiesce>${quiesce}</quiesce>`;
      const task = taskRef(await client.invoke('CreateSnapshot_Task', target.ref, params), 'CreateSnapshot_Task');
      const result = await client.waitForTask(task, { deadlineMs: deps.taskDeadlineMs });
      const snapshot = isMoRef(result) ? result.value : '';
      return toolResult(`created snapshot ${name} (${snapshot}) of ${target.name}`, { vm: target.name, snapshot, name });
    },
  });
}
