import { z } from 'zod';
import type { VapiCalls } from '../../../connectors/vsphere/vapi/vapi-client.js';
import { vapiIds, vapiText } from '../../../connectors/vsphere/vapi/vapi-value.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { nameMatcher } from '../inventory/name-matcher.js';
import { compact, endpointArg } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const ItemOutput = z.object({
  id: z.string().describe('Library item id'),
  name: z.string(),
  library: z.string().describe('Name of its content library'),
  type: z.string().optional().describe('ovf (OVF template), vm-template, iso, file ...'),
  sizeBytes: z.number().optional().describe('Size of its files in bytes'),
  description: z.string().optional(),
  created: z.string().optional(),
  modified: z.string().optional(),
});
const LibraryOutput = z.object({ id: z.string(), name: z.string(), type: z.string().optional().describe('LOCAL or SUBSCRIBED'), description: z.string().optional(), items: z.number().int() });
type Json = Record<string, unknown>;
const enc = encodeURIComponent;

async function get(vapi: VapiCalls, path: string): Promise<Json> {
  return ((await vapi.call('GET', path)) ?? {}) as Json;
}

/** `vsphere_list_library_items`: content libraries and their items (templates, ISOs), over vAPI REST (issue 16). */
export function registerListLibraryItemsTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_library_items',
    title: 'List content library items',
    description: 'List vCenter content libraries and their items (OVF and VM templates, ISOs, files) with type, size and dates, optionally of one library or matching a name. Needs vCenter.',
    inputSchema: {
      endpoint: endpointArg,
      library: z.string().max(256).optional().describe('Only the library with this name (exact, case-insensitive)'),
      name: z.string().max(256).optional().describe('Item name filter: substring, or a glob with * and ?; case-insensitive'),
      type: z.string().max(40).optional().describe('Only items of this type, e.g. ovf, vm-template, iso'),
    },
    outputSchema: { libraries: z.array(LibraryOutput), items: z.array(ItemOutput).describe('Items sorted by library, then name'), total: z.number().int() },
    annotations: READ_ONLY,
    // One batch: a failed or cancelled call stops its other reads (VapiCalls.batch).
    run: async ({ endpoint, library, name, type }, extra) => (await deps.clients.vapi(endpoint)).batch(async (vapi) => {
      const all = await Promise.all(vapiIds(await vapi.call('GET', '/com/vmware/content/library')).map((id) => get(vapi, `/com/vmware/content/library/id:${enc(id)}`)));
      const libraries = all.filter((l) => !library || vapiText(l['name'])?.toLowerCase() === library.toLowerCase());
      const matchName = nameMatcher(name);
      const items: z.infer<typeof ItemOutput>[] = [];
      const counts = new Map<string, number>();
      for (const l of libraries) {
        const lid = vapiText(l['id']) ?? '';
        const itemIds = vapiIds(await vapi.call('GET', `/com/vmware/content/library/item?library_id=${enc(lid)}`));
        counts.set(lid, itemIds.length);
        for (const it of await Promise.all(itemIds.map((id) => get(vapi, `/com/vmware/content/library/item/id:${enc(id)}`)))) {
          const row = compact({
            id: vapiText(it['id']) ?? '', name: vapiText(it['name']) ?? '', library: vapiText(l['name']) ?? lid, type: vapiText(it['type']),
            sizeBytes: typeof it['size'] === 'number' ? it['size'] : undefined, description: vapiText(it['description']),
            created: vapiText(it['creation_time']), modified: vapiText(it['last_modified_time']),
          });
          if (matchName(row.name) && (!type || row.type?.toLowerCase() === type.toLowerCase())) items.push(row);
        }
      }
      items.sort((a, b) => a.library.localeCompare(b.library) || a.name.localeCompare(b.name));
      const libs = libraries.map((l) => compact({ id: vapiText(l['id']) ?? '', name: vapiText(l['name']) ?? '', type: vapiText(l['type']), description: vapiText(l['description']), items: counts.get(vapiText(l['id']) ?? '') ?? 0 }))
        .sort((a, b) => a.name.localeCompare(b.name));
      // A library that is not there says so, rather than reading as an empty one.
      const summary = library && libs.length === 0
        ? `0 item(s): no content library named ${JSON.stringify(library)}; leave library out to list them all`
        : `${items.length} item(s) in ${libs.length} librar${libs.length === 1 ? 'y' : 'ies'}`;
      return toolResult(summary, { libraries: libs, items, total: items.length });
    }, extra.signal),
  });
}
