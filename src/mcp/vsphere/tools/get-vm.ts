import { z } from 'zod';
import { isMoRef, propertyText, type ManagedObjectRef } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { toVmDetails, VM_DETAIL_PATHS } from '../inventory/vm-details.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { SnapshotOutput } from './list-snapshots.js';
import { endpointArg } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** `vsphere_get_vm`: one VM in detail. */
export function registerGetVmTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_get_vm',
    title: 'Get a virtual machine',
    description: 'One VM by name or moref: CPU, memory, guest OS, hardware version, NICs, disks, IPs, host, datastores, snapshot tree, Tools status.',
    inputSchema: { endpoint: endpointArg, vm: z.string().min(1).max(256).describe('VM name (exact) or moref such as vm-63') },
    outputSchema: {
      name: z.string().describe('VM name'),
      moref: z.string().describe('Managed object id'),
      powerState: z.string().describe('poweredOn, poweredOff or suspended'),
      numCpu: z.number().optional().describe('Virtual CPUs'),
      memoryMB: z.number().optional().describe('Memory in MB'),
      guestOs: z.string().optional().describe('Guest OS (Tools report, else configured)'),
      hardwareVersion: z.string().optional().describe('Virtual hardware version, e.g. vmx-13'),
      uuid: z.string().optional().describe('BIOS UUID'),
      template: z.boolean().optional().describe('True for a template'),
      guestHostName: z.string().optional().describe('Guest host name reported by Tools'),
      toolsStatus: z.string().optional().describe('VMware Tools status'),
      toolsRunningStatus: z.string().optional().describe('Whether VMware Tools runs'),
      overallStatus: z.string().optional().describe('green, yellow, red or gray'),
      bootTime: z.string().optional().describe('Last power-on time'),
      host: z.string().optional().describe('ESXi host'),
      cluster: z.string().optional().describe('Cluster'),
      datacenter: z.string().optional().describe('Datacenter'),
      folder: z.string().optional().describe('VM folder'),
      datastores: z.array(z.string()).describe('Datastores holding its files'),
      nics: z.array(z.object({ label: z.string(), macAddress: z.string().optional(), network: z.string().optional(), connected: z.boolean().optional() })).describe('Network adapters'),
      disks: z.array(z.object({ label: z.string(), capacityGB: z.number().optional(), file: z.string().optional() })).describe('Virtual disks'),
      ipAddresses: z.array(z.string()).describe('IP addresses reported by Tools'),
      snapshots: z.array(SnapshotOutput).describe('Snapshot tree, flattened parents first'),
    },
    annotations: READ_ONLY,
    run: async ({ endpoint, vm }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const { ref } = await findEntity(client, 'VirtualMachine', vm, 'VM');
      const [[o], index] = await Promise.all([client.retrieveObjects([ref], VM_DETAIL_PATHS), InventoryIndex.load(client)]);
      if (!o) throw new VsphereToolError(`VM ${vm} disappeared while it was being read; list the VMs again`);
      const dsRefs = (Array.isArray(o.props['datastore']) ? o.props['datastore'] : []).filter(isMoRef) as ManagedObjectRef[];
      const names = new Map((await client.retrieveObjects(dsRefs, ['name'])).map((d) => [d.ref.value, propertyText(d.props['name']) ?? d.ref.value]));
      const details = toVmDetails(o, index, names);
      const text = `${String(details['name'])} (${String(details['moref'])}) ${String(details['powerState'])}, ${String(details['numCpu'] ?? '?')} CPU, ${String(details['memoryMB'] ?? '?')} MB, ` +
        `${details.nics.length} NIC(s), ${details.disks.length} disk(s), ${details.snapshots.length} snapshot(s)${details['host'] ? `, on ${String(details['host'])}` : ''}`;
      return toolResult(text, details);
    },
  });
}
