import { asArray, isMoRef, propertyScalar, type VsphereClient } from '../../../connectors/vsphere/index.js';
import type { PlanDraft } from '../../runtime/plan/tool-planner.js';
import { pickSnapshot } from '../inventory/find-snapshot.js';
import type { SnapshotRow } from '../inventory/snapshot-tree.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { findTarget, sizeText, targetLabel, targetOf, targetPrecondition, type Target } from './write-targets.js';
import { preconditionValue, readVmState, vmLabel, vmPrecondition, type VmState } from './vm-state.js';
import type { VmTagReader } from './vm-tags.js';

/** The arguments of vsphere_clone_vm that shape its plan. */
export interface CloneArgs {
  readonly vm: string;
  readonly name: string;
  readonly folder?: string;
  readonly pool?: string;
  readonly host?: string;
  readonly datastore?: string;
  readonly powerOn: boolean;
  readonly linkedFromSnapshot?: string;
}

/** The source and where the clone goes, as read live for vsphere_clone_vm. */
export interface CloneState {
  readonly vm: VmState;
  readonly template: boolean;
  readonly folder: Target;
  readonly pool: Target;
  readonly host?: Target;
  readonly datastore: Target;
  /** Bytes the source uses on its datastores (committed + uncommitted), when vCenter says. */
  readonly bytes?: number;
  readonly snapshot?: SnapshotRow;
  /** The source's CPU and memory as a precondition compares them (the clone copies them). */
  readonly hardware: Record<string, string>;
}

const HARDWARE_PATHS = ['config.hardware.numCPU', 'config.hardware.memoryMB'];

/**
 * Read the source VM or template and resolve where its clone goes. Left out, the folder is
 * the source's, the datastore its first, the pool its own (for a template, or a host in
 * another cluster, the root pool of the host's cluster).
 */
export async function readClone(client: VsphereClient, args: CloneArgs, tags?: VmTagReader): Promise<CloneState> {
  const vm = await readVmState(client, args.vm, tags);
  const [o] = await client.retrieveObjects([vm.ref], ['parent', 'resourcePool', 'datastore', 'config.template', 'summary.storage.committed', 'summary.storage.uncommitted', 'runtime.host', ...HARDWARE_PATHS]);
  const p = o?.props ?? {};
  const template = p['config.template'] === true || p['config.template'] === 'true';
  const folder = args.folder !== undefined ? await findTarget(client, 'Folder', args.folder, 'folder', 'folder') : await targetOf(client, p['parent'], 'folder');
  if (!folder) throw new VsphereToolError(`VM ${vm.name} is in no folder (a vApp member?); pass folder`);
  const datastore = args.datastore !== undefined ? await findTarget(client, 'Datastore', args.datastore, 'datastore', 'datastore') : await targetOf(client, asArray(p['datastore'])[0], 'datastore');
  if (!datastore) throw new VsphereToolError(`VM ${vm.name} has no datastore to copy to; pass datastore`);
  const host = args.host !== undefined ? await findTarget(client, 'HostSystem', args.host, 'host', 'host') : undefined;
  let pool = args.pool !== undefined ? await findTarget(client, 'ResourcePool', args.pool, 'resource pool', 'resource pool') : undefined;
  if (!pool) {
    const own = template ? undefined : await targetOf(client, p['resourcePool'], 'resource pool');
    const hostRef = host?.ref ?? (isMoRef(p['runtime.host']) ? p['runtime.host'] : undefined);
    const [h] = hostRef ? await client.retrieveObjects([hostRef], ['parent']) : [];
    const cluster = h?.props['parent'];
    const [ownerOfOwn] = own ? await client.retrieveObjects([own.ref], ['owner']) : [];
    const sameCluster = isMoRef(cluster) && isMoRef(ownerOfOwn?.props['owner']) && (ownerOfOwn.props['owner'] as { value: string }).value === cluster.value;
    if (own && (!host || sameCluster)) pool = own;
    else if (isMoRef(cluster)) {
      const [cr] = await client.retrieveObjects([cluster], ['resourcePool']);
      pool = await targetOf(client, cr?.props['resourcePool'], 'resource pool');
    }
  }
  if (!pool) throw new VsphereToolError(`could not tell which resource pool the clone of ${vm.name} goes to; pass pool (a moref such as resgroup-9)`);
  const committed = Number(propertyScalar(p['summary.storage.committed']));
  const uncommitted = Number(propertyScalar(p['summary.storage.uncommitted']) ?? 0);
  const snapshot = args.linkedFromSnapshot !== undefined ? pickSnapshot(vm.name, vm.snapshots, args.linkedFromSnapshot) : undefined;
  const hardware = Object.fromEntries(HARDWARE_PATHS.map((path) => [path, preconditionValue(path, p[path])]));
  return { vm, template, hardware, folder, pool, ...(host && { host }), datastore, ...(Number.isFinite(committed) && { bytes: committed + (Number.isFinite(uncommitted) ? uncommitted : 0) }), ...(snapshot && { snapshot }) };
}

/**
 * The target name must be free in the target folder (vCenter refuses duplicates there, and
 * a person approving "web-02" must get a new web-02). Returns the refusal, or undefined.
 */
export async function nameTaken(client: VsphereClient, folder: Target, name: string): Promise<string | undefined> {
  const [f] = await client.retrieveObjects([folder.ref], ['childEntity']);
  // No VMs in the folder: retrieveObjects answers [] without a round trip.
  const children = asArray(f?.props['childEntity']).filter(isMoRef).filter((r) => r.type === 'VirtualMachine');
  const named = await client.retrieveObjects(children, ['name']);
  const hit = named.find((o) => o.props['name'] === name);
  return hit ? `folder ${folder.name} already has a VM named ${JSON.stringify(name)} (${hit.ref.value}); pick another name` : undefined;
}

/** Plan of vsphere_clone_vm: "Clone VM web-01 to web-02 in folder Lab on datastore ds1 (40 GB), powered off". */
export async function clonePlan(client: VsphereClient, s: CloneState, args: CloneArgs): Promise<PlanDraft> {
  const taken = await nameTaken(client, s.folder, args.name);
  if (taken) throw new VsphereToolError(taken);
  const what = s.template ? 'template' : 'VM';
  const size = s.snapshot ? `linked to snapshot '${s.snapshot.name}', a new delta disk only` : sizeText(s.bytes);
  const where = `resource pool ${s.pool.name}${s.host ? ` on host ${s.host.name}` : ''}`;
  const power = args.powerOn ? 'powered on' : 'powered off';
  const clone = `VM ${args.name} (new)`;
  return {
    summary: `Clone ${what} ${s.vm.name} to ${args.name} in folder ${s.folder.name} on datastore ${s.datastore.name} (${size}), ${power} (${where})`,
    changes: [
      { object: clone, field: 'exists', before: 'no', after: `yes, a ${s.snapshot ? 'linked ' : ''}copy of ${what} ${s.vm.name}` },
      { object: clone, field: 'folder', after: s.folder.name },
      { object: clone, field: 'datastore', after: `${s.datastore.name} (${size})` },
      { object: clone, field: 'resource pool', after: s.pool.name },
      ...(s.host ? [{ object: clone, field: 'host', after: s.host.name }] : []),
      { object: clone, field: 'power state', after: args.powerOn ? 'poweredOn' : 'poweredOff' },
    ],
    objects: [vmLabel(s.vm), targetLabel(s.folder), targetLabel(s.datastore), targetLabel(s.pool), ...(s.host ? [targetLabel(s.host)] : [])],
    precondition: [{ ...vmPrecondition(s.vm), values: { ...s.vm.values, ...s.hardware } }, targetPrecondition(s.folder), targetPrecondition(s.datastore), targetPrecondition(s.pool), ...(s.host ? [targetPrecondition(s.host)] : [])],
    // The source's facts (folder, cluster, tags ...) for policy rules (D60).
    facts: [s.vm.facts],
  };
}
