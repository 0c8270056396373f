import { z } from 'zod';
import { xmlElement } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { taskRef } from '../inventory/task-ref.js';
import { assertApprovedVm, recheckVsphere } from '../plan/recheck-vsphere.js';
import { checkReconfigure, readVmSize, reconfigurePlan } from '../plan/reconfigure-plan.js';
import { endpointArg } from './tool-support.js';
import { DESTRUCTIVE_IDEMPOTENT, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';
import { vmTagReader } from '../plan/vm-tags.js';

/** `vsphere_reconfigure_vm`: change a VM's CPU count and memory, within its hot-plug rules. */
export function registerReconfigureVmTool(tools: Toolkit, deps: { clients: VsphereClients; taskDeadlineMs: number }): void {
  tools.define({
    name: 'vsphere_reconfigure_vm',
    title: 'Change VM CPUs and memory',
    description:
      'Set the number of virtual CPUs and/or the memory of a VM. A powered-on VM only changes what it can hot-plug (CPU/memory hot add enabled; memory is never removed while it runs); otherwise the call is refused and says to power the VM off first. Waits for the user\'s approval and the task.',
    inputSchema: {
      endpoint: endpointArg,
      vm: z.string().min(1).max(256).describe('VM name (exact) or moref such as vm-63'),
      numCpus: z.number().int().min(1).max(768).optional().describe('New number of virtual CPUs; leave out to keep it'),
      memoryMb: z.number().int().min(4).max(24 * 1024 * 1024).optional().describe('New memory size in MB, a multiple of 4; leave out to keep it'),
    },
    outputSchema: {
      vm: z.string().describe('VM name'),
      moref: z.string().describe('VM moref'),
      numCpus: z.number().int().describe('Virtual CPUs after the change'),
      memoryMb: z.number().int().describe('Memory in MB after the change'),
      previousNumCpus: z.number().int().describe('Virtual CPUs before'),
      previousMemoryMb: z.number().int().describe('Memory in MB before'),
    },
    // Shrinking a VM can break what runs on it; setting the same size again changes nothing more.
    annotations: DESTRUCTIVE_IDEMPOTENT,
    plan: async ({ endpoint, vm, numCpus, memoryMb }) => {
      const { vm: state, size } = await readVmSize(await deps.clients.forEndpoint(endpoint, undefined), vm, vmTagReader(deps.clients, endpoint));
      return reconfigurePlan(state, size, { numCpus, memoryMb });
    },
    recheck: ({ endpoint }, precondition) => recheckVsphere(deps.clients, endpoint, precondition),
    run: async ({ endpoint, vm, numCpus, memoryMb }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const { vm: state, size } = await readVmSize(client, vm);
      assertApprovedVm(extra, state);
      // The same guards as the plan, so a call without an approval (policy.allow) is refused alike.
      const changes = checkReconfigure(state, size, { numCpus, memoryMb });
      const cpu = changes.find((c) => c.field === 'CPUs')?.after;
      const mem = changes.find((c) => c.field === 'memory MB')?.after;
      // WSDL order of VirtualMachineConfigSpec: changeVersion … numCPUs, numCoresPerSocket, memoryMB.
      // changeVersion makes vCenter itself refuse if the configuration changed after this read.
      const version = state.values['config.changeVersion'];
      const spec = (version ? xmlElement('changeVersion', version) : '') + (cpu !== undefined ? `<numCPUs>${Number(cpu)}</numCPUs>` : '') + (mem !== undefined ? `<memoryMB>${Number(mem)}</memoryMB>` : '');
      const task = taskRef(await client.invoke('ReconfigVM_Task', state.ref, `<spec>${spec}</spec>`), 'ReconfigVM_Task');
      await client.waitForTask(task, { deadlineMs: deps.taskDeadlineMs });
      const { size: after } = await readVmSize(client, state.ref.value);
      // The size read after the task; 0 where vCenter no longer says (NaN is no integer for the output).
      const now = { numCpu: Number.isFinite(after.numCpu) ? after.numCpu : 0, memoryMb: Number.isFinite(after.memoryMb) ? after.memoryMb : 0 };
      return toolResult(
        `reconfigured ${state.name}: CPUs ${size.numCpu} → ${now.numCpu}, memory ${size.memoryMb} → ${now.memoryMb} MB`,
        { vm: state.name, moref: state.ref.value, numCpus: now.numCpu, memoryMb: now.memoryMb, previousNumCpus: size.numCpu, previousMemoryMb: size.memoryMb },
      );
    },
  });
}
