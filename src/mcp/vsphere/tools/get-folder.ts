import { z } from 'zod';
import { asArray, isMoRef, propertyText, type ManagedObjectRef } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { folderKinds, FolderKind } from '../inventory/folder-kinds.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { compact, endpointArg, str } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** At most this many children are listed; childCount always has the full number. */
const MAX_CHILDREN = 500;

/** `vsphere_get_folder`: one folder and its direct children. */
export function registerGetFolderTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_get_folder',
    title: 'Get a folder',
    description: 'One folder by name or moref, with its direct children (name, type, moref).',
    inputSchema: { endpoint: endpointArg, folder: z.string().min(1).max(256).describe('Folder name (exact) or moref such as group-v3') },
    outputSchema: {
      name: z.string().describe('Folder name'),
      moref: z.string().describe('Managed object id'),
      kinds: z.array(FolderKind).describe('What it may hold'),
      parent: z.string().optional().describe('Parent folder or datacenter'),
      datacenter: z.string().optional().describe('Datacenter'),
      childCount: z.number().int().describe('Direct children'),
      children: z.array(z.object({ name: z.string(), type: z.string(), moref: z.string() })).describe(`Direct children, sorted by name (first ${MAX_CHILDREN})`),
    },
    annotations: READ_ONLY,
    run: async ({ endpoint, folder }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const { ref } = await findEntity(client, 'Folder', folder, 'folder');
      const [[o], index] = await Promise.all([client.retrieveObjects([ref], ['name', 'childType', 'childEntity', 'parent']), InventoryIndex.load(client, ['Folder', 'Datacenter'])]);
      if (!o) throw new VsphereToolError(`folder ${folder} disappeared while it was being read; list the folders again`);
      const childRefs = asArray(o.props['childEntity']).filter(isMoRef) as ManagedObjectRef[];
      const children = (await client.retrieveObjects(childRefs.slice(0, MAX_CHILDREN), ['name']))
        .map((c) => ({ name: propertyText(c.props['name']) ?? c.ref.value, type: c.ref.type, moref: c.ref.value }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const parent = o.props['parent'];
      const out = compact({
        name: str(o.props['name']) ?? o.ref.value,
        moref: o.ref.value,
        kinds: folderKinds(asArray(o.props['childType'])),
        parent: isMoRef(parent) ? index.nameOf(parent) : undefined,
        datacenter: index.datacenterOf(o.ref),
        childCount: childRefs.length,
        children,
      });
      return toolResult([`${out.name} (${out.moref}) ${out.kinds.join('/') || '-'}, ${out.childCount} children`, ...children.map((c) => `  ${c.name} (${c.type} ${c.moref})`)].join('\n'), out);
    },
  });
}
