import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { listWindow } from '../inventory/list-window.js';
import { loadNetworkRows } from '../inventory/network-rows.js';
import { cursorArg, endpointArg, limitArg, pageOutput } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const VlanOutput = z.object({
  vlan: z.string().describe('VLAN id (0 = untagged), trunk ranges or PVLAN'),
  portgroups: z.array(z.object({ name: z.string(), moref: z.string(), kind: z.string() })).describe('Port groups on this VLAN'),
});

/** `vsphere_list_vlans`: VLAN ids with the port groups that use them. */
export function registerListVlansTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_vlans',
    title: 'List VLANs',
    description: 'VLAN ids in use, each with its standard and distributed port groups. Port groups whose VLAN is unknown are left out.',
    inputSchema: {
      endpoint: endpointArg,
      vlan: z.string().max(64).optional().describe('Only this VLAN id, e.g. "100"'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: { vlans: z.array(VlanOutput).describe('This page of VLANs, in numeric order'), ...pageOutput },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.clients.forEndpoint(args.endpoint, extra.signal);
      const index = await InventoryIndex.load(client, ['Folder', 'Datacenter']);
      const byVlan = new Map<string, z.infer<typeof VlanOutput>['portgroups']>();
      for (const n of await loadNetworkRows(client, index)) {
        // A standard port group that differs per host is listed under each of its ids.
        for (const vlan of n.vlan === undefined ? [] : n.kind === 'standard' ? n.vlan.split(',') : [n.vlan]) {
          if (args.vlan !== undefined && vlan !== args.vlan) continue;
          const list = byVlan.get(vlan) ?? [];
          list.push({ name: n.name, moref: n.moref, kind: n.kind });
          byVlan.set(vlan, list);
        }
      }
      // Sort key: numeric ids zero-padded so 2 comes before 10; trunks and PVLANs after.
      const rows = [...byVlan].map(([vlan, portgroups]) => ({
        name: /^\d+$/.test(vlan) ? vlan.padStart(5, '0') : `~${vlan}`,
        moref: vlan,
        vlan,
        portgroups: portgroups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      }));
      const { endpoint, limit, cursor, ...filters } = args;
      const page = listWindow(rows, { kind: 'vlans', endpoint, filters }, limit, cursor);
      const vlans = page.items.map(({ vlan, portgroups }) => ({ vlan, portgroups }));
      const lines = vlans.map((v) => `VLAN ${v.vlan}: ${v.portgroups.map((p) => p.name).join(', ')}`);
      return toolResult([`${vlans.length} of ${page.total} VLANs`, ...lines].join('\n'), { vlans, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    },
  });
}
