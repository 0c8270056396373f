import type { ManagedObjectRef } from '../../../connectors/vsphere/index.js';
import type { Precondition, PreconditionObject } from '../../../base/contracts/plan-protocol.js';
import { approvedPrecondition, type ToolExtra } from '../../runtime/plan/tool-planner.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { changedSentence, diffPrecondition, type PreconditionChange } from '../../runtime/plan/precondition-diff.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { preconditionValue } from './vm-state.js';

const LABELS: Record<string, string> = {
  'runtime.powerState': 'power state',
  'config.changeVersion': 'configuration version',
  snapshot: 'snapshots',
  vm: 'VMs on it',
  'runtime.host': 'host',
  resourcePool: 'resource pool',
  datastore: 'datastores',
  'runtime.inMaintenanceMode': 'maintenance mode',
  'runtime.connectionState': 'connection state',
  'config.hardware.numCPU': 'CPUs',
  'config.hardware.memoryMB': 'memory MB',
  'config.cpuHotAddEnabled': 'CPU hot add',
  'config.cpuHotRemoveEnabled': 'CPU hot remove',
  'config.memoryHotAddEnabled': 'memory hot add',
};

// A Map, not an object: the power state is vCenter's text, and `constructor` must not find a function.
// Keyed by string or undefined, so an object that no longer exists (no `after`) needs no check of its own.
const POWER_WORDS = new Map<string | undefined, string>([
  ['poweredOff', 'powered off'],
  ['poweredOn', 'powered on'],
  ['suspended', 'suspended'],
]);

/** Why a precondition value changed, in words, where the change says it; exported for its test. */
export function explain(change: PreconditionChange): string | undefined {
  if (change.key === 'runtime.powerState') {
    const word = POWER_WORDS.get(change.after);
    if (word) return `it was ${word} by someone else`;
  }
  if (change.key === 'snapshot') return 'its snapshots were changed by someone else';
  if (change.key === 'config.changeVersion' || change.key.startsWith('config.hardware.') || change.key.endsWith('HotAddEnabled') || change.key.endsWith('HotRemoveEnabled')) return 'its configuration was changed by someone else';
  if (change.key === 'vm') return 'VMs were added to or removed from it';
  if (change.key === 'runtime.host' || change.key === 'datastore') return 'it was moved by someone else';
  if (change.key === 'runtime.inMaintenanceMode') return change.after === 'true' ? 'it was put into maintenance mode by someone else' : 'it was taken out of maintenance mode by someone else';
  return undefined;
}

/**
 * Re-reads a vSphere precondition (the managed objects' properties the plan read) through
 * the same session, just before an approved call runs. Returns the "changed since you
 * approved" sentence, or undefined when every value still holds.
 */
export async function recheckVsphere(clients: VsphereClients, endpoint: string | undefined, precondition: Precondition): Promise<string | undefined> {
  const client = await clients.forEndpoint(endpoint, undefined);
  // Stryker disable next-line ArrayDeclaration: an extra first element that is no object matches no approved object
  const current: PreconditionObject[] = [];
  for (const was of precondition) {
    const paths = Object.keys(was.values);
    const [o] = await client.retrieveObjects([{ type: was.type, value: was.id }], paths);
    if (o) current.push({ ...was, values: Object.fromEntries(paths.map((p) => [p, preconditionValue(p, o.props[p])])) });
  }
  return changedSentence(diffPrecondition(precondition, current), { label: (k) => LABELS[k] ?? k, explain });
}

/**
 * Security: an approved call acts on the VM the plan read. If the name given now resolves to
 * another VM (renamed or replaced since the approval), refuse instead of acting on it.
 */
export function assertApprovedVm(extra: ToolExtra, vm: { ref: ManagedObjectRef; name: string }): void {
  const approved = approvedPrecondition(extra)?.find((o) => o.type === 'VirtualMachine');
  if (approved && approved.id !== vm.ref.value) {
    throw new VsphereToolError(`the name ${JSON.stringify(vm.name)} now refers to ${vm.ref.value}, not the ${approved.id} you approved; nothing was run. Call the tool again for a fresh plan.`);
  }
}
