import { z } from 'zod';
import { asArray, type ObjectContent } from '../../../connectors/vsphere/index.js';
import { compact, num, str } from '../tools/tool-support.js';
import type { InventoryIndex } from './inventory-index.js';

/** Paths the datastore tools read; sizes are bytes (xsd:long). */
export const DATASTORE_PATHS = ['name', 'summary.type', 'summary.capacity', 'summary.freeSpace', 'summary.uncommitted', 'summary.accessible', 'summary.url', 'host', 'vm', 'parent'];

/** One datastore in tool output. */
export const DatastoreOutput = z.object({
  name: z.string().describe('Datastore name'),
  moref: z.string().describe('Managed object id'),
  type: z.string().optional().describe('VMFS, NFS, vsan, …'),
  capacityGB: z.number().optional().describe('Capacity, GB'),
  freeGB: z.number().optional().describe('Free space, GB'),
  usedPercent: z.number().optional().describe('Used space, percent of capacity'),
  uncommittedGB: z.number().optional().describe('Thin-provisioned space not yet written, GB'),
  accessible: z.boolean().optional().describe('Whether it is reachable'),
  url: z.string().optional().describe('Datastore URL'),
  datacenter: z.string().optional().describe('Datacenter'),
  hostCount: z.number().int().describe('Hosts that mount it'),
  vmCount: z.number().int().describe('VMs with files on it'),
});
export type DatastoreRow = z.infer<typeof DatastoreOutput>;

const gb = (bytes: number | undefined): number | undefined => (bytes === undefined ? undefined : Math.round((bytes / 1024 ** 3) * 100) / 100);

/** A DatastoreRow from one datastore's properties. */
export function toDatastoreRow(o: ObjectContent, index: InventoryIndex): DatastoreRow {
  const p = o.props;
  const capacity = num(p['summary.capacity']);
  const free = num(p['summary.freeSpace']);
  return compact({
    name: str(p['name']) ?? o.ref.value,
    moref: o.ref.value,
    type: str(p['summary.type']),
    capacityGB: gb(capacity),
    freeGB: gb(free),
    usedPercent: capacity && free !== undefined ? Math.round(((capacity - free) / capacity) * 1000) / 10 : undefined,
    uncommittedGB: gb(num(p['summary.uncommitted'])),
    accessible: typeof p['summary.accessible'] === 'boolean' ? p['summary.accessible'] : undefined,
    url: str(p['summary.url']),
    datacenter: index.datacenterOf(o.ref),
    hostCount: asArray(p['host']).length,
    vmCount: asArray(p['vm']).length,
  });
}
