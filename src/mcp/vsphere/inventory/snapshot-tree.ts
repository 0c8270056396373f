import { asArray, isMoRef, propertyScalar, type PropertyValue } from '../../../connectors/vsphere/index.js';
import { compact, str } from '../tools/tool-support.js';

/** One snapshot, flattened out of the tree: `parent` links it to its parent snapshot. */
export interface SnapshotRow {
  readonly name: string;
  readonly moref: string;
  readonly description?: string;
  readonly createTime?: string;
  /** Power state of the VM when the snapshot was taken. */
  readonly state?: string;
  readonly quiesced?: boolean;
  readonly parent?: string;
  readonly depth: number;
  readonly current: boolean;
}

/**
 * Flattens `snapshot` (VirtualMachineSnapshotInfo) depth first, parents before children.
 * Nested fields arrive untyped (reference §7), so one child looks like a single object:
 * asArray normalises `rootSnapshotList` and `childSnapshotList`.
 */
export function flattenSnapshots(info: PropertyValue | undefined): SnapshotRow[] {
  if (info === undefined || typeof info !== 'object' || Array.isArray(info) || isMoRef(info)) return [];
  const current = isMoRef(info['currentSnapshot']) ? info['currentSnapshot'].value : undefined;
  const out: SnapshotRow[] = [];
  const walk = (node: PropertyValue, parent: string | undefined, depth: number): void => {
    if (typeof node !== 'object' || Array.isArray(node) || isMoRef(node)) return;
    const ref = node['snapshot'];
    const moref = isMoRef(ref) ? ref.value : '';
    out.push(
      compact({
        name: str(node['name']) ?? moref,
        moref,
        description: str(node['description']) || undefined,
        createTime: str(node['createTime']),
        state: str(node['state']),
        quiesced: node['quiesced'] === undefined ? undefined : String(propertyScalar(node['quiesced'])) === 'true',
        parent,
        depth,
        current: moref !== '' && moref === current,
      }),
    );
    for (const child of asArray(node['childSnapshotList'])) walk(child, moref, depth + 1);
  };
  for (const root of asArray(info['rootSnapshotList'])) walk(root, undefined, 0);
  return out;
}
