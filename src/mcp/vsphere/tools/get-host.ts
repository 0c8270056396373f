import { z } from 'zod';
import { propertyText } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { HOST_PATHS, HostOutput, toHostRow } from '../inventory/host-rows.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { endpointArg } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** `vsphere_get_host`: one ESXi host, with the names of its VMs. */
export function registerGetHostTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_get_host',
    title: 'Get an ESXi host',
    description: 'One ESXi host by name or moref: state, maintenance mode, CPU and memory capacity and use, and its VMs.',
    inputSchema: { endpoint: endpointArg, host: z.string().min(1).max(256).describe('Host name (exact) or moref such as host-22') },
    outputSchema: { ...HostOutput.shape, vms: z.array(z.string()).describe('Names of the VMs registered on it') },
    annotations: READ_ONLY,
    run: async ({ endpoint, host }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const { ref } = await findEntity(client, 'HostSystem', host, 'host');
      const [[o], index] = await Promise.all([client.retrieveObjects([ref], HOST_PATHS), InventoryIndex.load(client)]);
      if (!o) throw new VsphereToolError(`host ${host} disappeared while it was being read; list the hosts again`);
      const vmRefs = Array.isArray(o.props['vm']) ? (o.props['vm'] as { type: string; value: string }[]) : [];
      const vms = (await client.retrieveObjects(vmRefs, ['name'])).map((v) => propertyText(v.props['name']) ?? v.ref.value).sort();
      const row = toHostRow(o, index);
      return toolResult(`${row.name} (${row.moref}) ${row.connectionState}, ${row.cpuCores ?? '?'} cores, ${row.memoryCapacityMB ?? '?'} MB, ${vms.length} VMs`, { ...row, vms });
    },
  });
}
