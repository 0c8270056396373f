import { z } from 'zod';
import type { ObjectContent } from '../../../connectors/vsphere/index.js';
import { compact, num, str } from '../tools/tool-support.js';
import type { InventoryIndex } from './inventory-index.js';

/** Paths the host tools read; leaves, so numbers arrive typed. */
export const HOST_PATHS = [
  'name',
  'runtime.connectionState',
  'runtime.powerState',
  'runtime.inMaintenanceMode',
  'summary.hardware.cpuModel',
  'summary.hardware.numCpuCores',
  'summary.hardware.cpuMhz',
  'summary.hardware.memorySize',
  'summary.quickStats.overallCpuUsage',
  'summary.quickStats.overallMemoryUsage',
  'summary.config.product.fullName',
  'vm',
];

/** One host in tool output. */
export const HostOutput = z.object({
  name: z.string().describe('Host name'),
  moref: z.string().describe('Managed object id, e.g. host-22'),
  connectionState: z.string().describe('connected, disconnected or notResponding'),
  powerState: z.string().optional().describe('poweredOn, poweredOff, standBy or unknown'),
  inMaintenanceMode: z.boolean().optional().describe('True while in maintenance mode'),
  cluster: z.string().optional().describe('Cluster it belongs to; absent for a standalone host'),
  datacenter: z.string().optional().describe('Datacenter'),
  product: z.string().optional().describe('ESXi version'),
  cpuModel: z.string().optional().describe('CPU model'),
  cpuCores: z.number().optional().describe('Physical CPU cores'),
  cpuCapacityMhz: z.number().optional().describe('Total CPU capacity in MHz (cores × MHz)'),
  cpuUsageMhz: z.number().optional().describe('CPU in use, MHz'),
  memoryCapacityMB: z.number().optional().describe('Physical memory in MB'),
  memoryUsageMB: z.number().optional().describe('Memory in use, MB'),
  vmCount: z.number().int().describe('VMs registered on it'),
});
export type HostRow = z.infer<typeof HostOutput>;

/** A HostRow from one host's properties; memory arrives in bytes and is shown in MB. */
export function toHostRow(o: ObjectContent, index: InventoryIndex): HostRow {
  const p = o.props;
  const cores = num(p['summary.hardware.numCpuCores']);
  const mhz = num(p['summary.hardware.cpuMhz']);
  const bytes = num(p['summary.hardware.memorySize']);
  return compact({
    name: str(p['name']) ?? o.ref.value,
    moref: o.ref.value,
    connectionState: str(p['runtime.connectionState']) ?? 'unknown',
    powerState: str(p['runtime.powerState']),
    inMaintenanceMode: typeof p['runtime.inMaintenanceMode'] === 'boolean' ? p['runtime.inMaintenanceMode'] : undefined,
    cluster: index.clusterOfHost(o.ref),
    datacenter: index.datacenterOf(o.ref),
    product: str(p['summary.config.product.fullName']),
    cpuModel: str(p['summary.hardware.cpuModel']),
    cpuCores: cores,
    cpuCapacityMhz: cores !== undefined && mhz !== undefined ? cores * mhz : undefined,
    cpuUsageMhz: num(p['summary.quickStats.overallCpuUsage']),
    memoryCapacityMB: bytes === undefined ? undefined : Math.round(bytes / (1024 * 1024)),
    memoryUsageMB: num(p['summary.quickStats.overallMemoryUsage']),
    vmCount: Array.isArray(p['vm']) ? p['vm'].length : 0,
  });
}
