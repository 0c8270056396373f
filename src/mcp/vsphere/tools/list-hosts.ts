import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { HOST_PATHS, HostOutput, toHostRow, type HostRow } from '../inventory/host-rows.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { listWindow } from '../inventory/list-window.js';
import { nameMatcher, sameName } from '../inventory/name-matcher.js';
import { cursorArg, endpointArg, limitArg, pageOutput } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** `vsphere_list_hosts`: ESXi hosts with state, capacity and use. */
export function registerListHostsTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_hosts',
    title: 'List ESXi hosts',
    description: 'List ESXi hosts with connection and power state, maintenance mode, CPU and memory capacity and use, and VM count.',
    inputSchema: {
      endpoint: endpointArg,
      name: z.string().max(256).optional().describe('Name filter: substring, or a glob with * and ?; case-insensitive'),
      cluster: z.string().max(256).optional().describe('Only hosts of the cluster with this name'),
      datacenter: z.string().max(256).optional().describe('Only hosts in the datacenter with this name'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: { hosts: z.array(HostOutput).describe('This page of hosts, sorted by name'), ...pageOutput },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.clients.forEndpoint(args.endpoint, extra.signal);
      const index = await InventoryIndex.load(client);
      const matchName = nameMatcher(args.name);
      const rows: HostRow[] = [];
      for await (const page of client.retrievePages({ type: 'HostSystem', paths: HOST_PATHS })) {
        for (const o of page) {
          const row = toHostRow(o, index);
          if (!matchName(row.name)) continue;
          if (args.cluster && !sameName(row.cluster, args.cluster)) continue;
          if (args.datacenter && !sameName(row.datacenter, args.datacenter)) continue;
          rows.push(row);
        }
      }
      const { endpoint, limit, cursor, ...filters } = args;
      const page = listWindow(rows, { kind: 'hosts', endpoint, filters }, limit, cursor);
      const lines = page.items.map((h) => `${h.name} (${h.moref}) ${h.connectionState}${h.inMaintenanceMode ? ', maintenance' : ''}, ${h.vmCount} VMs${h.cluster ? `, cluster ${h.cluster}` : ''}`);
      return toolResult([`${page.items.length} of ${page.total} hosts`, ...lines].join('\n'), { hosts: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    },
  });
}
