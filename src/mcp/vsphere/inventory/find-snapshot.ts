import type { ManagedObjectRef, VsphereClient } from '../../../connectors/vsphere/index.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { findEntity } from './find-entity.js';
import { flattenSnapshots, type SnapshotRow } from './snapshot-tree.js';

/**
 * A VM's snapshot by name or moref, found by walking its tree (vim25 has no lookup).
 *
 * @throws VsphereToolError when the VM has no such snapshot, or the name is ambiguous.
 */
export async function findSnapshot(client: VsphereClient, vm: string, snapshot: string): Promise<{ vm: string; ref: ManagedObjectRef; row: SnapshotRow }> {
  const target = await findEntity(client, 'VirtualMachine', vm, 'VM');
  const [o] = await client.retrieveObjects([target.ref], ['snapshot']);
  const all = flattenSnapshots(o?.props['snapshot']);
  const byId = all.filter((s) => s.moref === snapshot);
  const matches = byId.length > 0 ? byId : all.filter((s) => s.name === snapshot);
  if (matches.length === 1) return { vm: target.name, ref: { type: 'VirtualMachineSnapshot', value: matches[0]!.moref }, row: matches[0]! };
  if (matches.length === 0) throw new VsphereToolError(`VM ${target.name} has no snapshot ${JSON.stringify(snapshot)}; see vsphere_list_snapshots`);
  throw new VsphereToolError(`VM ${target.name} has ${matches.length} snapshots named ${JSON.stringify(snapshot)} (${matches.map((m) => m.moref).join(', ')}); pass the moref`);
}
