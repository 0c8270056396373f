import type { ManagedObjectRef, VsphereClient } from '../../../connectors/vsphere/index.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { findEntity } from './find-entity.js';
import { flattenSnapshots, type SnapshotRow } from './snapshot-tree.js';

/**
 * A VM's snapshot by name or moref, found by walking its tree (vim25 has no lookup).
 *
 * @throws VsphereToolError when the VM has no such snapshot, or the name is ambiguous.
 */
export async function findSnapshot(client: VsphereClient, vm: string, snapshot: string): Promise<{ vm: string; vmRef: ManagedObjectRef; ref: ManagedObjectRef; row: SnapshotRow }> {
  const target = await findEntity(client, 'VirtualMachine', vm, 'VM');
  const [o] = await client.retrieveObjects([target.ref], ['snapshot']);
  const row = pickSnapshot(target.name, flattenSnapshots(o?.props['snapshot']), snapshot);
  return { vm: target.name, vmRef: target.ref, ref: { type: 'VirtualMachineSnapshot', value: row.moref }, row };
}

/**
 * The one snapshot of `all` (a VM's flattened tree) that `snapshot` names, by moref or exact name.
 *
 * @throws VsphereToolError when there is none, or the name is ambiguous.
 */
export function pickSnapshot(vmName: string, all: readonly SnapshotRow[], snapshot: string): SnapshotRow {
  const byId = all.filter((s) => s.moref === snapshot);
  const matches = byId.length > 0 ? byId : all.filter((s) => s.name === snapshot);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new VsphereToolError(`VM ${vmName} has no snapshot ${JSON.stringify(snapshot)}; see vsphere_list_snapshots`);
  throw new VsphereToolError(`VM ${vmName} has ${matches.length} snapshots named ${JSON.stringify(snapshot)} (${matches.map((m) => m.moref).join(', ')}); pass the moref`);
}
