import { z } from 'zod';
import { asArray, isMoRef, propertyText, type ManagedObjectRef } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { loadNetworkRows, NetworkOutput } from '../inventory/network-rows.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { endpointArg } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** At most this many VM names are listed; vmCount always has the full number. */
const MAX_VM_NAMES = 500;

/** `vsphere_get_network`: one port group with its hosts and VMs. */
export function registerGetNetworkTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_get_network',
    title: 'Get a network',
    description: 'One network or port group by name or moref: kind, VLAN, switch, and the hosts and VMs connected to it.',
    inputSchema: { endpoint: endpointArg, network: z.string().min(1).max(256).describe('Network name (exact) or moref such as dvportgroup-12') },
    outputSchema: {
      ...NetworkOutput.shape,
      hosts: z.array(z.string()).describe('Hosts connected to it'),
      vms: z.array(z.string()).describe(`VMs connected to it (first ${MAX_VM_NAMES})`),
    },
    annotations: READ_ONLY,
    run: async ({ endpoint, network }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const index = await InventoryIndex.load(client);
      const all = await loadNetworkRows(client, index);
      const matches = all.filter((n) => n.moref === network).length > 0 ? all.filter((n) => n.moref === network) : all.filter((n) => n.name === network);
      if (matches.length === 0) throw new VsphereToolError(`no network named ${JSON.stringify(network)}; list them with vsphere_list_networks`);
      if (matches.length > 1) throw new VsphereToolError(`${matches.length} networks are named ${JSON.stringify(network)} (${matches.map((m) => m.moref).join(', ')}); pass the moref`);
      const row = matches[0]!;
      const type = row.kind === 'distributed' ? 'DistributedVirtualPortgroup' : row.kind === 'opaque' ? 'OpaqueNetwork' : 'Network';
      const [o] = await client.retrieveObjects([{ type, value: row.moref }], ['host', 'vm']);
      const hosts = asArray(o?.props['host']).flatMap((h) => (isMoRef(h) ? [index.nameOf(h)!] : [])).sort();
      const vmRefs = asArray(o?.props['vm']).filter(isMoRef).slice(0, MAX_VM_NAMES) as ManagedObjectRef[];
      const vms = (await client.retrieveObjects(vmRefs, ['name'])).map((v) => propertyText(v.props['name']) ?? v.ref.value).sort();
      return toolResult(`${row.name} (${row.moref}) ${row.kind}${row.vlan !== undefined ? `, VLAN ${row.vlan}` : ''}, ${hosts.length} hosts, ${row.vmCount} VMs`, { ...row, hosts, vms });
    },
  });
}
