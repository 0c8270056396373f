import { isMoRef, propertyText, type ManagedObjectRef, type VsphereClient } from '../../../connectors/vsphere/index.js';

/** Name and parent of one container object (folder, datacenter, compute resource, host). */
export interface IndexedEntity {
  readonly ref: ManagedObjectRef;
  readonly name: string;
  readonly parent: ManagedObjectRef | undefined;
}

const CONTAINER_TYPES = ['Folder', 'Datacenter', 'ComputeResource', 'HostSystem'] as const;

/** The container types the index holds (the kept inventory watches the same). */
export const INDEX_TYPES: readonly string[] = CONTAINER_TYPES;
/** The paths the index reads of each. */
export const INDEX_PATHS: readonly string[] = ['name', 'parent'];

/**
 * Names and parents of every folder, datacenter, compute resource (clusters included) and
 * host, read once per tool call: a few small pages instead of one lookup per VM. Answers
 * "which host, cluster, datacenter and folders is this under" without more round trips.
 */
export class InventoryIndex {
  private constructor(private readonly byValue: ReadonlyMap<string, IndexedEntity>) {}

  /** An index over entities already read (the kept inventory's); the map is not copied, so never change it afterwards. */
  static fromEntities(byValue: ReadonlyMap<string, IndexedEntity>): InventoryIndex {
    return new InventoryIndex(byValue);
  }

  /** Reads the index; `types` limits it to what the caller needs (hosts are always cheap). */
  static async load(client: VsphereClient, types: readonly (typeof CONTAINER_TYPES)[number][] = CONTAINER_TYPES): Promise<InventoryIndex> {
    const map = new Map<string, IndexedEntity>();
    if (types.length === 0) return new InventoryIndex(map);
    // All the types through one view in one call (issue 17: 3 SOAP calls instead of 3 per type).
    for await (const page of client.retrievePages({ type: types, paths: INDEX_PATHS })) {
      for (const o of page) {
        const parent = o.props['parent'];
        map.set(o.ref.value, { ref: o.ref, name: propertyText(o.props['name']) ?? o.ref.value, parent: isMoRef(parent) ? parent : undefined });
      }
    }
    return new InventoryIndex(map);
  }

  /** The indexed entity, if it is one. */
  get(ref: ManagedObjectRef | undefined): IndexedEntity | undefined {
    return ref && this.byValue.get(ref.value);
  }

  /** The name of `ref`, else its MoRef value. */
  nameOf(ref: ManagedObjectRef | undefined): string | undefined {
    return ref && (this.byValue.get(ref.value)?.name ?? ref.value);
  }

  /** Ancestors of `ref`, nearest first, starting with `ref` itself when indexed. */
  ancestors(ref: ManagedObjectRef | undefined): IndexedEntity[] {
    const out: IndexedEntity[] = [];
    for (let e = this.get(ref); e && out.length < 64; e = this.get(e.parent)) out.push(e);
    return out;
  }

  /** The datacenter that contains `ref`. */
  datacenterOf(ref: ManagedObjectRef | undefined): string | undefined {
    return this.ancestors(ref).find((e) => e.ref.type === 'Datacenter')?.name;
  }

  /** The cluster a host belongs to (its parent, when that is a ClusterComputeResource). */
  clusterOfHost(host: ManagedObjectRef | undefined): string | undefined {
    const parent = this.get(this.get(host)?.parent);
    return parent?.ref.type === 'ClusterComputeResource' ? parent.name : undefined;
  }

  /** Names of the folders above `ref` (hidden top-level folders included). */
  foldersOf(ref: ManagedObjectRef | undefined): string[] {
    return this.ancestors(ref).filter((e) => e.ref.type === 'Folder').map((e) => e.name);
  }
}
