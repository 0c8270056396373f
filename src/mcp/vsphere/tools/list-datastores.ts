import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { DATASTORE_PATHS, DatastoreOutput, toDatastoreRow, type DatastoreRow } from '../inventory/datastore-rows.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { listWindow } from '../inventory/list-window.js';
import { nameMatcher, sameName } from '../inventory/name-matcher.js';
import { cursorArg, endpointArg, limitArg, pageOutput } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** `vsphere_list_datastores`: type, capacity, free, used %, accessible. */
export function registerListDatastoresTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_datastores',
    title: 'List datastores',
    description: 'List datastores with type, capacity, free space, used percent and accessibility.',
    inputSchema: {
      endpoint: endpointArg,
      name: z.string().max(256).optional().describe('Name filter: substring, or a glob with * and ?; case-insensitive'),
      datacenter: z.string().max(256).optional().describe('Only datastores in the datacenter with this name'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: { datastores: z.array(DatastoreOutput).describe('This page of datastores, sorted by name'), ...pageOutput },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.clients.forEndpoint(args.endpoint, extra.signal);
      const index = await InventoryIndex.load(client, ['Folder', 'Datacenter']);
      const matchName = nameMatcher(args.name);
      const rows: DatastoreRow[] = [];
      for await (const page of client.retrievePages({ type: 'Datastore', paths: DATASTORE_PATHS })) {
        for (const o of page) {
          const row = toDatastoreRow(o, index);
          if (matchName(row.name) && (!args.datacenter || sameName(row.datacenter, args.datacenter))) rows.push(row);
        }
      }
      const { endpoint, limit, cursor, ...filters } = args;
      const page = listWindow(rows, { kind: 'datastores', endpoint, filters }, limit, cursor);
      const lines = page.items.map((d) => `${d.name} (${d.moref}) ${d.type ?? '?'}, ${d.freeGB ?? '?'} of ${d.capacityGB ?? '?'} GB free${d.accessible === false ? ', NOT accessible' : ''}`);
      return toolResult([`${page.items.length} of ${page.total} datastores`, ...lines].join('\n'), { datastores: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    },
  });
}
