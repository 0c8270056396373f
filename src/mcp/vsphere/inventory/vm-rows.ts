import { isMoRef, type ObjectContent, type VsphereClient } from '../../../connectors/vsphere/index.js';
import { compact, num, str } from '../tools/tool-support.js';
import type { InventoryIndex } from './inventory-index.js';

/** One VM as vsphere_list_vms shows it. */
export interface VmRow {
  readonly name: string;
  readonly moref: string;
  readonly powerState: string;
  readonly numCpu?: number;
  readonly memoryMB?: number;
  readonly guestOs?: string;
  readonly ip?: string;
  readonly host?: string;
  readonly cluster?: string;
  readonly datacenter?: string;
  readonly folder?: string;
}

/** Property paths the VM list reads; all leaves, so each arrives typed. */
export const VM_ROW_PATHS = [
  'name',
  'runtime.powerState',
  'summary.config.numCpu',
  'summary.config.memorySizeMB',
  'summary.config.guestFullName',
  'guest.guestFullName',
  'guest.ipAddress',
  'runtime.host',
  'parent',
];

/** A VmRow from one VM's properties, with names resolved through the index. */
export function toVmRow(o: ObjectContent, index: InventoryIndex): VmRow {
  const p = o.props;
  const host = isMoRef(p['runtime.host']) ? p['runtime.host'] : undefined;
  const parent = isMoRef(p['parent']) ? p['parent'] : undefined;
  return compact({
    name: str(p['name']) ?? o.ref.value,
    moref: o.ref.value,
    powerState: str(p['runtime.powerState']) ?? 'unknown',
    numCpu: num(p['summary.config.numCpu']),
    memoryMB: num(p['summary.config.memorySizeMB']),
    // The guest's own report wins; the configured OS is the fallback when Tools are not running.
    guestOs: str(p['guest.guestFullName']) ?? str(p['summary.config.guestFullName']),
    ip: str(p['guest.ipAddress']),
    host: index.nameOf(host),
    cluster: index.clusterOfHost(host),
    datacenter: index.datacenterOf(parent),
    folder: index.nameOf(parent),
  });
}

/**
 * Streams every VM and keeps the rows `keep` accepts: the server pages bound the XML held
 * at once, and only matching rows (small records) are kept.
 */
export async function collectVmRows(client: VsphereClient, index: InventoryIndex, keep: (row: VmRow, o: ObjectContent) => boolean): Promise<VmRow[]> {
  const rows: VmRow[] = [];
  for await (const page of client.retrievePages({ type: 'VirtualMachine', paths: VM_ROW_PATHS })) {
    for (const o of page) {
      const row = toVmRow(o, index);
      if (keep(row, o)) rows.push(row);
    }
  }
  return rows;
}
