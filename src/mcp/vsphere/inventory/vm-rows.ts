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
 * at once, and only matching rows (small records) are kept. `index` may still be loading
 * (issue 17): the VMs are read at the same time, and the pages that arrive before the
 * index are held as they came (the props asked for, no XML) until it is there.
 */
export async function collectVmRows(
  client: VsphereClient,
  index: InventoryIndex | Promise<InventoryIndex>,
  keep: (row: VmRow, o: ObjectContent, index: InventoryIndex) => boolean,
): Promise<VmRow[]> {
  let ready: InventoryIndex | undefined = index instanceof Promise ? undefined : index;
  const loading = index instanceof Promise ? index.then((i) => (ready = i)) : undefined;
  // A failed VM read must not leave the index's rejection unhandled; it is awaited below.
  loading?.catch(() => undefined);
  const rows: VmRow[] = [];
  const early: ObjectContent[] = [];
  const take = (o: ObjectContent, idx: InventoryIndex) => {
    const row = toVmRow(o, idx);
    if (keep(row, o, idx)) rows.push(row);
  };
  for await (const page of client.retrievePages({ type: 'VirtualMachine', paths: VM_ROW_PATHS })) {
    if (ready === undefined) early.push(...page);
    else for (const o of page) take(o, ready);
  }
  const idx = ready ?? (await index);
  for (const o of early) take(o, idx);
  return rows;
}
