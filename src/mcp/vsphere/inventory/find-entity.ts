import { propertyText, type ManagedObjectRef, type VsphereClient } from '../../../connectors/vsphere/index.js';
import { VsphereToolError } from '../vsphere-tool-error.js';

/** MoRef value prefixes by type (vCenter and vcsim), to tell an id from a name. */
const ID_PATTERNS: Record<string, RegExp> = {
  VirtualMachine: /^vm-\d+$/,
  HostSystem: /^host-\d+$/,
  Datacenter: /^datacenter-\d+$/,
  Datastore: /^datastore-\d+$/,
  Folder: /^group-[a-z]\d+$|^folder-\d+$/,
  ClusterComputeResource: /^domain-c\d+$/,
  Network: /^(network|dvportgroup)-\d+$/,
};

/**
 * Resolves a user's "name or MoRef id" to one object of `type` (subtypes included).
 * An id is checked to exist; a name must match exactly one object, because acting on the
 * wrong VM is worse than asking again.
 *
 * @throws VsphereToolError when nothing or more than one object matches.
 */
export async function findEntity(client: VsphereClient, type: string, nameOrId: string, label: string): Promise<{ ref: ManagedObjectRef; name: string }> {
  if (ID_PATTERNS[type]?.test(nameOrId)) {
    const [found] = await client.retrieveObjects([{ type, value: nameOrId }], ['name']);
    if (found) return { ref: found.ref, name: propertyText(found.props['name']) ?? nameOrId };
  }
  const matches: { ref: ManagedObjectRef; name: string }[] = [];
  for await (const page of client.retrievePages({ type, paths: ['name'] })) {
    for (const o of page) {
      const name = propertyText(o.props['name']) ?? '';
      if (name === nameOrId || o.ref.value === nameOrId) matches.push({ ref: o.ref, name });
    }
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new VsphereToolError(`no ${label} named ${JSON.stringify(nameOrId)}; list them with the matching vsphere_list tool and use the exact name or moref`);
  throw new VsphereToolError(`${matches.length} ${label}s are named ${JSON.stringify(nameOrId)} (${matches.map((m) => m.ref.value).join(', ')}); pass the moref instead`);
}
