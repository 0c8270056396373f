import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { listWindow } from '../inventory/list-window.js';
import { nameMatcher, sameName } from '../inventory/name-matcher.js';
import { loadNetworkRows, NetworkOutput } from '../inventory/network-rows.js';
import { cursorArg, endpointArg, limitArg, pageOutput } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** `vsphere_list_networks`: standard and distributed port groups with VLANs where known. */
export function registerListNetworksTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_networks',
    title: 'List networks',
    description: 'List standard and distributed port groups (and opaque networks) with VLAN where known, switch, and host and VM counts.',
    inputSchema: {
      endpoint: endpointArg,
      name: z.string().max(256).optional().describe('Name filter: substring, or a glob with * and ?; case-insensitive'),
      kind: z.enum(['standard', 'distributed', 'opaque']).optional().describe('Only networks of this kind'),
      datacenter: z.string().max(256).optional().describe('Only networks in the datacenter with this name'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: { networks: z.array(NetworkOutput).describe('This page of networks, sorted by name'), ...pageOutput },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.clients.forEndpoint(args.endpoint, extra.signal);
      const index = await InventoryIndex.load(client, ['Folder', 'Datacenter']);
      const matchName = nameMatcher(args.name);
      const rows = (await loadNetworkRows(client, index)).filter(
        (n) => matchName(n.name) && (!args.kind || n.kind === args.kind) && (!args.datacenter || sameName(n.datacenter, args.datacenter)),
      );
      const { endpoint, limit, cursor, ...filters } = args;
      const page = listWindow(rows, { kind: 'networks', endpoint, filters }, limit, cursor);
      const lines = page.items.map((n) => `${n.name} (${n.moref}) ${n.kind}${n.vlan !== undefined ? `, VLAN ${n.vlan}` : ''}, ${n.vmCount} VMs`);
      return toolResult([`${page.items.length} of ${page.total} networks`, ...lines].join('\n'), { networks: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    },
  });
}
