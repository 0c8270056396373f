import { createHash } from 'node:crypto';
import { isMoRef, propertyScalar, propertyText, type ManagedObjectRef, type PropertyValue, type VsphereClient } from '../../../connectors/vsphere/index.js';
import type { PreconditionObject } from '../../../base/contracts/plan-protocol.js';
import { findEntity } from '../inventory/find-entity.js';
import { flattenSnapshots, type SnapshotRow } from '../inventory/snapshot-tree.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import type { TargetFacts } from '../../../base/contracts/policy.js';
import { readVmFacts, VM_FACT_PATHS } from './vm-facts.js';
import type { VmTagReader } from './vm-tags.js';

/** The VM properties a plan reads; the first three are its precondition. */
export const VM_PRECONDITION_PATHS = ['config.changeVersion', 'runtime.powerState', 'snapshot'] as const;
const VM_PLAN_PATHS = ['name', ...VM_PRECONDITION_PATHS, 'config.hardware.numCPU', 'runtime.host', 'guest.toolsRunningStatus', ...VM_FACT_PATHS];

/** What a plan knows about one VM, read live just before it is described. */
export interface VmState {
  readonly ref: ManagedObjectRef;
  readonly name: string;
  readonly powerState: string;
  readonly numCpu?: number;
  readonly host?: string;
  readonly toolsRunning?: boolean;
  readonly snapshots: SnapshotRow[];
  /** The precondition values (see {@link preconditionValue}). */
  readonly values: Record<string, string>;
  /** What policy rules match on (issue 14): folder path, cluster, pool, power, guest OS, tags. */
  readonly facts: TargetFacts;
}

/**
 * A property as a precondition compares it: strings as read, a MoRef as its id, the snapshot
 * tree as its snapshots' ids and names (current one starred); unset is the empty string.
 */
export function preconditionValue(path: string, value: PropertyValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (path === 'snapshot') return flattenSnapshots(value).map((s) => `${s.moref} ${s.name}${s.current ? '*' : ''}`).join(', ');
  if (isMoRef(value)) return value.value;
  if (Array.isArray(value) && value.every(isMoRef)) {
    // A list of objects (a host's VMs, a VM's datastores) as its ids; a digest when too long for the contract.
    const ids = value.map((r) => r.value).join(', ');
    return ids.length <= 1024 ? ids : `sha256:${createHash('sha256').update(ids).digest('hex')}`;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Read one VM (by name or moref) for a plan: identity, power, size, host, Tools, snapshots,
 * and its policy facts; its tags only with a `tags` reader (without one the fact is unknown).
 */
export async function readVmState(client: VsphereClient, vm: string, tags?: VmTagReader): Promise<VmState> {
  const target = await findEntity(client, 'VirtualMachine', vm, 'VM');
  const [o] = await client.retrieveObjects([target.ref], VM_PLAN_PATHS);
  if (!o) throw new VsphereToolError(`VM ${target.name} disappeared while it was being read; list the VMs again`);
  const hostRef = o.props['runtime.host'];
  const [h] = isMoRef(hostRef) ? await client.retrieveObjects([hostRef], ['name']) : [];
  const numCpu = Number(propertyScalar(o.props['config.hardware.numCPU']));
  const tools = o.props['guest.toolsRunningStatus'];
  const powerState = preconditionValue('runtime.powerState', o.props['runtime.powerState']) || 'unknown';
  const hostName = h ? (propertyText(h.props['name']) ?? '') : undefined;
  const facts = await readVmFacts(client, o.props, { ...(isMoRef(hostRef) && { ref: hostRef }), ...(hostName && { name: hostName }) }, powerState, { ref: target.ref, tags });
  return {
    ref: target.ref,
    name: target.name,
    powerState,
    ...(Number.isFinite(numCpu) && numCpu > 0 && { numCpu }),
    ...(hostName !== undefined && { host: hostName }),
    ...(typeof tools === 'string' && { toolsRunning: tools === 'guestToolsRunning' }),
    snapshots: flattenSnapshots(o.props['snapshot']),
    values: Object.fromEntries(VM_PRECONDITION_PATHS.map((p) => [p, preconditionValue(p, o.props[p])])),
    facts,
  };
}

/** "VM web-01 (vm-42)": how plans and the audit name a VM. */
export function vmLabel(vm: Pick<VmState, 'name' | 'ref'>): string {
  return `VM ${vm.name} (${vm.ref.value})`;
}

/** The VM as a precondition: its change version, power state and snapshot tree. */
export function vmPrecondition(vm: VmState): PreconditionObject {
  return { object: `VM ${vm.name}`, type: 'VirtualMachine', id: vm.ref.value, values: { ...vm.values } };
}

/** "now poweredOn, 2 vCPU, on esx-07, guest tools running, 3 snapshots": what a plan says of a VM. */
export function describeVm(vm: VmState): string {
  const parts = [`now ${vm.powerState}`];
  if (vm.numCpu !== undefined) parts.push(`${vm.numCpu} vCPU`);
  if (vm.host) parts.push(`on ${vm.host}`);
  if (vm.toolsRunning !== undefined) parts.push(vm.toolsRunning ? 'guest tools running' : 'guest tools not running');
  parts.push(`${vm.snapshots.length} snapshot${vm.snapshots.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}
