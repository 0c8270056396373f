import { asArray, isMoRef, propertyScalar, propertyText, type VsphereClient } from '../../../connectors/vsphere/index.js';
import type { PlanChange } from '../../../base/contracts/approval.js';
import type { PreconditionObject } from '../../../base/contracts/plan-protocol.js';
import type { PlanDraft } from '../../runtime/plan/tool-planner.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { findTarget, targetLabel, targetOf, targetPrecondition, type Target } from './write-targets.js';
import { preconditionValue, readVmState, vmLabel, vmPrecondition, type VmState } from './vm-state.js';
import type { VmTagReader } from './vm-tags.js';

/** Where a VM is and where it should go, as read live for vsphere_migrate_vm. */
export interface MigrateState {
  readonly vm: VmState;
  readonly fromHost?: Target;
  readonly fromPool?: Target;
  readonly fromDatastores: Target[];
  readonly toHost?: Target;
  readonly toPool?: Target;
  readonly toDatastore?: Target;
  /** The target host's maintenance and connection state, as read. */
  readonly toHostState: { inMaintenance: string; connection: string };
  /** The VM's location values, part of its precondition. */
  readonly location: Record<string, string>;
}

const LOCATION_PATHS = ['runtime.host', 'resourcePool', 'datastore'];

/**
 * Read the VM, its current host, pool and datastores, and resolve the targets. When the
 * target host is in another compute resource and no pool is named, the VM goes to that
 * compute resource's root pool (vSphere needs a pool there).
 */
export async function readMigrate(client: VsphereClient, args: { vm: string; host?: string; pool?: string; datastore?: string }, tags?: VmTagReader): Promise<MigrateState> {
  if (args.host === undefined && args.pool === undefined && args.datastore === undefined) throw new VsphereToolError('pass host, pool or datastore (or several): where the VM should go');
  const vm = await readVmState(client, args.vm, tags);
  const [o] = await client.retrieveObjects([vm.ref], LOCATION_PATHS);
  const p = o?.props ?? {};
  const fromHost = await targetOf(client, p['runtime.host'], 'host');
  const fromPool = await targetOf(client, p['resourcePool'], 'pool');
  const fromDatastores: Target[] = [];
  for (const ref of asArray(p['datastore'])) {
    const t = await targetOf(client, ref, 'datastore');
    if (t) fromDatastores.push(t);
  }
  const toHost = args.host !== undefined ? await findTarget(client, 'HostSystem', args.host, 'host', 'target host') : undefined;
  let toPool = args.pool !== undefined ? await findTarget(client, 'ResourcePool', args.pool, 'resource pool', 'target pool') : undefined;
  const toDatastore = args.datastore !== undefined ? await findTarget(client, 'Datastore', args.datastore, 'datastore', 'target datastore') : undefined;
  let toHostState = { inMaintenance: '', connection: '' };
  if (toHost) {
    const [h] = await client.retrieveObjects([toHost.ref], ['runtime.inMaintenanceMode', 'runtime.connectionState', 'parent']);
    toHostState = { inMaintenance: String(propertyScalar(h?.props['runtime.inMaintenanceMode']) ?? ''), connection: propertyText(h?.props['runtime.connectionState']) ?? '' };
    if (!toPool && fromHost) {
      const [fh] = await client.retrieveObjects([fromHost.ref], ['parent']);
      const toParent = h?.props['parent'];
      if (isMoRef(toParent) && isMoRef(fh?.props['parent']) && toParent.value !== (fh.props['parent'] as { value: string }).value) {
        const [cr] = await client.retrieveObjects([toParent], ['resourcePool']);
        toPool = await targetOf(client, cr?.props['resourcePool'], 'target pool');
      }
    }
  }
  const location = Object.fromEntries(LOCATION_PATHS.map((path) => [path, preconditionValue(path, p[path])]));
  return { vm, ...(fromHost && { fromHost }), ...(fromPool && { fromPool }), fromDatastores, ...(toHost && { toHost }), ...(toPool && { toPool }), ...(toDatastore && { toDatastore }), toHostState, location };
}

/** What actually moves: host, pool and datastore rows whose target differs from now. */
function moves(s: MigrateState): { host?: Target; pool?: Target; datastore?: Target } {
  return {
    ...(s.toHost && s.toHost.ref.value !== s.fromHost?.ref.value && { host: s.toHost }),
    ...(s.toPool && s.toPool.ref.value !== s.fromPool?.ref.value && { pool: s.toPool }),
    ...(s.toDatastore && !(s.fromDatastores.length === 1 && s.fromDatastores[0]!.ref.value === s.toDatastore.ref.value) && { datastore: s.toDatastore }),
  };
}

/** The guards of vsphere_migrate_vm; returns what moves. */
export function checkMigrate(s: MigrateState): { host?: Target; pool?: Target; datastore?: Target } {
  const m = moves(s);
  if (!m.host && !m.pool && !m.datastore) throw new VsphereToolError(`VM ${s.vm.name} is already there (host ${s.fromHost?.name ?? '?'}, datastore ${s.fromDatastores.map((d) => d.name).join(', ') || '?'}); nothing to do`);
  if (m.host && s.toHostState.inMaintenance === 'true') throw new VsphereToolError(`host ${m.host.name} is in maintenance mode and takes no VMs; pick another host or take it out first (vsphere_host_maintenance action exit)`);
  if (m.host && s.toHostState.connection !== '' && s.toHostState.connection !== 'connected') throw new VsphereToolError(`host ${m.host.name} is ${s.toHostState.connection}; pick a connected host`);
  return m;
}

/** Plan of vsphere_migrate_vm: "Migrate VM web-01 from host esx-01 to esx-02, datastore ds1 → ds2 (now poweredOn: live migration)". */
export function migratePlan(s: MigrateState): PlanDraft {
  const m = checkMigrate(s);
  const vmObj = vmLabel(s.vm);
  const changes: PlanChange[] = [];
  const parts: string[] = [];
  const objects = [vmObj];
  const precondition: PreconditionObject[] = [{ ...vmPrecondition(s.vm), values: { ...s.vm.values, ...s.location } }];
  if (m.host) {
    parts.push(`from host ${s.fromHost?.name ?? '?'} to ${m.host.name}`);
    changes.push({ object: vmObj, field: 'host', before: s.fromHost?.name ?? '', after: m.host.name });
    objects.push(targetLabel(m.host));
    precondition.push({ ...targetPrecondition(m.host), values: { 'runtime.inMaintenanceMode': s.toHostState.inMaintenance, 'runtime.connectionState': s.toHostState.connection } });
  }
  if (m.pool) {
    parts.push(`resource pool ${s.fromPool?.name ?? '?'} → ${m.pool.name}`);
    changes.push({ object: vmObj, field: 'resource pool', before: s.fromPool?.name ?? '', after: m.pool.name });
    objects.push(targetLabel(m.pool));
    precondition.push(targetPrecondition(m.pool));
  }
  if (m.datastore) {
    const from = s.fromDatastores.map((d) => d.name).join(', ') || '?';
    parts.push(`datastore ${from} → ${m.datastore.name}`);
    changes.push({ object: vmObj, field: 'datastore', before: from, after: m.datastore.name });
    objects.push(targetLabel(m.datastore));
    precondition.push(targetPrecondition(m.datastore));
  }
  // Security: a target the call names that the VM is already on does not move it, but is bound
  // all the same: a name that means another object when the approved call runs (renamed or
  // replaced since) would move the VM there, and assertApprovedTargets refuses only what the
  // precondition holds (D159).
  for (const t of [s.toHost, s.toPool, s.toDatastore]) if (t && t !== m.host && t !== m.pool && t !== m.datastore) precondition.push(targetPrecondition(t));
  if (!m.host && s.fromHost) parts.push(`staying on host ${s.fromHost.name}`);
  const how = s.vm.powerState === 'poweredOn' ? `now poweredOn: a live migration${m.datastore ? ' of its memory and disks' : ''}` : `now ${s.vm.powerState}`;
  // The VM's facts, as read where it is now, for policy rules (D60).
  return { summary: `Migrate VM ${s.vm.name} ${parts.join(', ')} (${how})`, changes, objects, precondition, facts: [s.vm.facts] };
}
