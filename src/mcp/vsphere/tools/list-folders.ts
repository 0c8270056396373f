import { z } from 'zod';
import { asArray, isMoRef } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { folderKinds, FolderKind } from '../inventory/folder-kinds.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { listWindow } from '../inventory/list-window.js';
import { nameMatcher, sameName } from '../inventory/name-matcher.js';
import { compact, cursorArg, endpointArg, limitArg, pageOutput, str } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** One folder in tool output. */
export const FolderOutput = z.object({
  name: z.string().describe('Folder name'),
  moref: z.string().describe('Managed object id, e.g. group-v3'),
  kinds: z.array(FolderKind).describe('What it holds: vm, host, datastore, network or datacenter'),
  parent: z.string().optional().describe('Name of the parent folder or datacenter'),
  datacenter: z.string().optional().describe('Datacenter; absent for folders above datacenters'),
  childCount: z.number().int().describe('Direct children'),
});
type FolderRow = z.infer<typeof FolderOutput>;

/** `vsphere_list_folders`: folders, optionally of one kind. */
export function registerListFoldersTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_folders',
    title: 'List folders',
    description: 'List inventory folders with what they hold (vm, host, datastore, network, datacenter) and how many children they have.',
    inputSchema: {
      endpoint: endpointArg,
      type: FolderKind.optional().describe('Only folders that hold this kind of object'),
      name: z.string().max(256).optional().describe('Name filter: substring, or a glob with * and ?; case-insensitive'),
      datacenter: z.string().max(256).optional().describe('Only folders in the datacenter with this name'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: { folders: z.array(FolderOutput).describe('This page of folders, sorted by name'), ...pageOutput },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.clients.forEndpoint(args.endpoint, extra.signal);
      const index = await InventoryIndex.load(client, ['Folder', 'Datacenter']);
      const matchName = nameMatcher(args.name);
      const rows: FolderRow[] = [];
      for await (const page of client.retrievePages({ type: 'Folder', paths: ['name', 'childType', 'childEntity', 'parent'] })) {
        for (const o of page) {
          const parent = o.props['parent'];
          const row = compact({
            name: str(o.props['name']) ?? o.ref.value,
            moref: o.ref.value,
            kinds: folderKinds(asArray(o.props['childType'])),
            parent: isMoRef(parent) ? index.nameOf(parent) : undefined,
            datacenter: index.datacenterOf(o.ref),
            childCount: asArray(o.props['childEntity']).length,
          });
          if (!matchName(row.name)) continue;
          if (args.type && !row.kinds.includes(args.type)) continue;
          if (args.datacenter && !sameName(row.datacenter, args.datacenter)) continue;
          rows.push(row);
        }
      }
      const { endpoint, limit, cursor, ...filters } = args;
      const page = listWindow(rows, { kind: 'folders', endpoint, filters }, limit, cursor);
      const lines = page.items.map((f) => `${f.name} (${f.moref}) ${f.kinds.join('/') || '-'}, ${f.childCount} children${f.datacenter ? ` in ${f.datacenter}` : ''}`);
      return toolResult([`${page.items.length} of ${page.total} folders`, ...lines].join('\n'), { folders: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    },
  });
}
