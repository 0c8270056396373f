import { isMoRef, propertyText, type ManagedObjectRef, type PropertyValue, type VsphereClient } from '../../../connectors/vsphere/index.js';
import type { TargetFacts } from '../../../base/contracts/policy.js';
import type { VmTagReader } from './vm-tags.js';

/** VM properties the facts need, read with the plan's other properties. */
export const VM_FACT_PATHS = ['parent', 'resourcePool', 'config.guestId', 'config.guestFullName'] as const;

/** Folders above a VM at most; a deeper chain is cut (and the path then left out). */
const MAX_DEPTH = 32;

const nameOf = async (client: VsphereClient, ref: ManagedObjectRef): Promise<{ name: string; parent?: ManagedObjectRef }> => {
  const [o] = await client.retrieveObjects([ref], ['name', 'parent']);
  const parent = o?.props['parent'];
  return { name: propertyText(o?.props['name']) ?? '', ...(isMoRef(parent) && { parent }) };
};

/**
 * The VM's folder path under its datacenter's VM folder ("Lab/web"; "" for a VM directly in
 * it), by walking `parent` up to the Datacenter. Undefined when the chain cannot be read.
 */
async function folderPath(client: VsphereClient, parent: PropertyValue | undefined): Promise<string | undefined> {
  if (!isMoRef(parent) || parent.type !== 'Folder') return undefined;
  const names: string[] = [];
  let ref: ManagedObjectRef | undefined = parent;
  for (let depth = 0; ref && depth < MAX_DEPTH; depth++) {
    if (ref.type === 'Datacenter') return names.reverse().slice(1).join('/');
    if (ref.type !== 'Folder') return undefined;
    const step = await nameOf(client, ref);
    names.push(step.name);
    ref = step.parent;
  }
  return undefined;
}

/**
 * What a plan read about a VM for `policy.rules` (issue 14): folder path, resource pool,
 * cluster (the host's parent, when it is a cluster), host, power state, guest OS, and its
 * tags (`category:name`, through the endpoint's vAPI REST session) when `tags` reads them.
 * A fact that cannot be read is left out, never guessed; a rule that needs it then cannot
 * allow (D59, D60).
 */
export async function readVmFacts(
  client: VsphereClient,
  props: Readonly<Record<string, PropertyValue>>,
  host: { ref?: ManagedObjectRef; name?: string },
  powerState: string,
  vm?: { ref: ManagedObjectRef; tags?: VmTagReader | undefined },
): Promise<TargetFacts> {
  const facts: TargetFacts = {};
  if (powerState && powerState !== 'unknown') facts['powerState'] = powerState;
  const guestId = props['config.guestId'];
  if (typeof guestId === 'string' && guestId) facts['guestId'] = guestId;
  const guestOs = props['config.guestFullName'];
  if (typeof guestOs === 'string' && guestOs) facts['guestOs'] = guestOs;
  if (host.name) facts['host'] = host.name;
  try {
    const folder = await folderPath(client, props['parent']);
    if (folder !== undefined) facts['folder'] = folder;
    const pool = props['resourcePool'];
    if (isMoRef(pool)) {
      const { name } = await nameOf(client, pool);
      if (name) facts['resourcePool'] = name;
    }
    if (host.ref) {
      const { parent } = await nameOf(client, host.ref);
      if (parent?.type === 'ClusterComputeResource') {
        const { name } = await nameOf(client, parent);
        if (name) facts['cluster'] = name;
      }
    }
  } catch {
    // A fact that could not be read stays absent: rules that need it never allow.
  }
  if (vm?.tags) {
    try {
      const tags = await vm.tags(vm.ref);
      if (tags) facts['tags'] = tags;
    } catch {
      // Security: tags unreadable (no vAPI session, vAPI down): the fact stays absent, so a
      // rule that needs it never allows (issue 14).
    }
  }
  return facts;
}
