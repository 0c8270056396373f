import { z } from 'zod';
import { isMoRef, moRefElement, propertyText, xmlElement } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { taskRef } from '../inventory/task-ref.js';
import { clonePlan, nameTaken, readClone } from '../plan/clone-plan.js';
import { assertApprovedVm, recheckVsphere } from '../plan/recheck-vsphere.js';
import { assertApprovedTargets } from '../plan/write-targets.js';
import { vmTagReader } from '../plan/vm-tags.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { endpointArg } from './tool-support.js';
import { ADDITIVE, type Toolkit, toolResult } from '../../runtime/toolkit/index.js';

/** `vsphere_clone_vm`: clone a VM or template (optionally a linked clone from a snapshot). */
export function registerCloneVmTool(tools: Toolkit, deps: { clients: VsphereClients; taskDeadlineMs: number }): void {
  tools.define({
    name: 'vsphere_clone_vm',
    title: 'Clone a VM or template',
    description:
      'Create a new VM as a copy of a VM or template. Left out, the folder is the source\'s, the datastore its first, the resource pool its own (the host\'s cluster root pool for a template). linkedFromSnapshot makes a linked clone that shares the snapshot\'s disks. Waits for the user\'s approval and the task.',
    inputSchema: {
      endpoint: endpointArg,
      vm: z.string().min(1).max(256).describe('Source VM or template name (exact) or moref such as vm-63'),
      name: z.string().min(1).max(80).describe('Name of the new VM; must be free in the target folder'),
      folder: z.string().min(1).max(256).optional().describe('Target VM folder name or moref (group-v4); default: the source\'s folder'),
      pool: z.string().min(1).max(256).optional().describe('Target resource pool moref (resgroup-9) or unique name; default: the source\'s pool'),
      host: z.string().min(1).max(256).optional().describe('Target host name or moref; default: chosen by vCenter in the pool\'s cluster'),
      datastore: z.string().min(1).max(256).optional().describe('Target datastore name or moref; default: the source\'s first datastore'),
      powerOn: z.boolean().default(false).describe('Power the new VM on once it is created (default false)'),
      linkedFromSnapshot: z.string().min(1).max(256).optional().describe('Snapshot name or moref of the source: make a linked clone sharing its disks; leave out for a full copy'),
    },
    outputSchema: {
      vm: z.string().describe('Name of the new VM'),
      moref: z.string().describe('Moref of the new VM'),
      source: z.string().describe('Source VM or template name'),
      folder: z.string().describe('Folder of the new VM'),
      datastore: z.string().describe('Datastore of the new VM'),
      pool: z.string().describe('Resource pool of the new VM'),
      powerState: z.string().describe('Power state of the new VM'),
      linked: z.boolean().describe('True for a linked clone'),
    },
    // Adds a VM, destroys nothing; a second call with the same name is refused (name taken).
    annotations: ADDITIVE,
    plan: async ({ endpoint, ...args }) => {
      const client = await deps.clients.forEndpoint(endpoint, undefined);
      return clonePlan(client, await readClone(client, args, vmTagReader(deps.clients, endpoint)), args);
    },
    recheck: async ({ endpoint, name, folder }, precondition) => {
      const changed = await recheckVsphere(deps.clients, endpoint, precondition);
      if (changed !== undefined) return changed;
      // The target name was free when approved; someone may have taken it since.
      const f = precondition.find((o) => o.type === 'Folder');
      if (!f) return undefined;
      const taken = await nameTaken(await deps.clients.forEndpoint(endpoint, undefined), { ref: { type: 'Folder', value: f.id }, name: folder ?? f.object.replace(/^folder /, ''), kind: 'folder', role: f.object }, name);
      return taken ? `${taken} (it was free when you approved). Nothing was run; call the tool again to see a fresh plan and approve that.` : undefined;
    },
    run: async ({ endpoint, ...args }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const s = await readClone(client, args);
      assertApprovedVm(extra, s.vm);
      assertApprovedTargets(extra, [s.folder, s.datastore, s.pool, s.host]);
      const taken = await nameTaken(client, s.folder, args.name);
      if (taken) throw new VsphereToolError(taken);
      // WSDL order: VirtualMachineRelocateSpec (folder, datastore, diskMoveType, pool, host);
      // VirtualMachineCloneSpec (location, template, config, customization, powerOn, snapshot).
      const location =
        moRefElement('datastore', s.datastore.ref) + (s.snapshot ? xmlElement('diskMoveType', 'createNewChildDiskBacking') : '') + moRefElement('pool', s.pool.ref) + (s.host ? moRefElement('host', s.host.ref) : '');
      const spec = `<location>${location}</location><template>false</template><powerOn>${args.powerOn}</powerOn>` + (s.snapshot ? moRefElement('snapshot', { type: 'VirtualMachineSnapshot', value: s.snapshot.moref }) : '');
      const params = moRefElement('folder', s.folder.ref) + xmlElement('name', args.name) + `<spec>${spec}</spec>`;
      const task = taskRef(await client.invoke('CloneVM_Task', s.vm.ref, params), 'CloneVM_Task');
      const result = await client.waitForTask(task, { deadlineMs: deps.taskDeadlineMs });
      if (!isMoRef(result)) throw new VsphereToolError(`vCenter cloned ${s.vm.name} but did not say which VM it made; look for ${args.name} with vsphere_list_vms`);
      const [made] = await client.retrieveObjects([result], ['name', 'runtime.powerState']);
      const powerState = propertyText(made?.props['runtime.powerState']) ?? 'unknown';
      return toolResult(
        `cloned ${s.vm.name} to ${args.name} (${result.value}) in folder ${s.folder.name} on datastore ${s.datastore.name}, ${powerState}`,
        { vm: args.name, moref: result.value, source: s.vm.name, folder: s.folder.name, datastore: s.datastore.name, pool: s.pool.name, powerState, linked: s.snapshot !== undefined },
      );
    },
  });
}
