import { asArray, isMoRef, propertyScalar, type ObjectContent, type PropertyValue } from '../../../connectors/vsphere/index.js';
import { compact, num, str } from '../tools/tool-support.js';
import type { InventoryIndex } from './inventory-index.js';
import { flattenSnapshots, type SnapshotRow } from './snapshot-tree.js';

/** Paths vsphere_get_vm reads. */
export const VM_DETAIL_PATHS = [
  'name',
  'runtime.powerState',
  'runtime.host',
  'runtime.bootTime',
  'config.hardware.numCPU',
  'config.hardware.memoryMB',
  'config.hardware.device',
  'config.guestFullName',
  'config.version',
  'config.uuid',
  'config.template',
  'guest.guestFullName',
  'guest.ipAddress',
  'guest.hostName',
  'guest.net',
  'guest.toolsStatus',
  'guest.toolsRunningStatus',
  'datastore',
  'snapshot',
  'parent',
  'summary.overallStatus',
];

type Obj = Record<string, PropertyValue>;
const obj = (v: PropertyValue | undefined): Obj | undefined => (v !== undefined && typeof v === 'object' && !Array.isArray(v) && !isMoRef(v) ? v : undefined);

/** vsphere_get_vm's answer. */
export interface VmDetails {
  readonly [key: string]: unknown;
  readonly nics: { label: string; macAddress?: string; network?: string; connected?: boolean }[];
  readonly disks: { label: string; capacityGB?: number; file?: string }[];
  readonly ipAddresses: string[];
  readonly snapshots: SnapshotRow[];
}

/** Maps one VM's properties to the details tools show; device lists become NICs and disks. */
export function toVmDetails(o: ObjectContent, index: InventoryIndex, datastoreNames: ReadonlyMap<string, string>): VmDetails {
  const p = o.props;
  const devices = asArray(p['config.hardware.device']).map(obj).filter((d): d is Obj => d !== undefined);
  const label = (d: Obj): string => str(obj(d['deviceInfo'])?.['label']) ?? `device ${String(propertyScalar(d['key']))}`;
  const nics = devices
    .filter((d) => d['macAddress'] !== undefined)
    .map((d) => {
      const backing = obj(d['backing']);
      const port = obj(backing?.['port']);
      const connected = obj(d['connectable'])?.['connected'];
      return compact({
        label: label(d),
        macAddress: str(d['macAddress']),
        network: str(backing?.['deviceName']) ?? str(port?.['portgroupKey']),
        connected: connected === undefined ? undefined : String(propertyScalar(connected)) === 'true',
      });
    });
  const disks = devices
    .filter((d) => d['_type'] === 'VirtualDisk')
    .map((d) => {
      const kb = num(d['capacityInKB']);
      return compact({ label: label(d), capacityGB: kb === undefined ? undefined : Math.round((kb / 1024 / 1024) * 100) / 100, file: str(obj(d['backing'])?.['fileName']) });
    });
  const ips = new Set<string>();
  const primary = str(p['guest.ipAddress']);
  if (primary) ips.add(primary);
  for (const nic of asArray(p['guest.net']).map(obj)) for (const ip of asArray(nic?.['ipAddress'])) if (typeof ip === 'string') ips.add(ip);
  const host = isMoRef(p['runtime.host']) ? p['runtime.host'] : undefined;
  const parent = isMoRef(p['parent']) ? p['parent'] : undefined;
  return {
    ...compact({
      name: str(p['name']) ?? o.ref.value,
      moref: o.ref.value,
      powerState: str(p['runtime.powerState']) ?? 'unknown',
      numCpu: num(p['config.hardware.numCPU']),
      memoryMB: num(p['config.hardware.memoryMB']),
      guestOs: str(p['guest.guestFullName']) ?? str(p['config.guestFullName']),
      hardwareVersion: str(p['config.version']),
      uuid: str(p['config.uuid']),
      template: p['config.template'] === undefined ? undefined : p['config.template'] === true,
      guestHostName: str(p['guest.hostName']),
      toolsStatus: str(p['guest.toolsStatus']),
      toolsRunningStatus: str(p['guest.toolsRunningStatus']),
      overallStatus: str(p['summary.overallStatus']),
      bootTime: str(p['runtime.bootTime']),
      host: index.nameOf(host),
      cluster: index.clusterOfHost(host),
      datacenter: index.datacenterOf(parent),
      folder: index.nameOf(parent),
    }),
    datastores: asArray(p['datastore']).flatMap((d) => (isMoRef(d) ? [datastoreNames.get(d.value) ?? d.value] : [])),
    nics,
    disks,
    ipAddresses: [...ips],
    snapshots: flattenSnapshots(p['snapshot']),
  };
}
