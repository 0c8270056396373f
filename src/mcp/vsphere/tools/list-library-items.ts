import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { keysetWindow, type KeysetOrder } from '../inventory/keyset-window.js';
import { readLibraryRows, type LibraryItemRow, type LibraryRow } from '../inventory/library-rows.js';
import type { RowSnapshots } from '../inventory/row-snapshots.js';
import { cursorArg, endpointArg, limitArg, pageOutput } from './tool-support.js';
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

/** A page of items runs in (library, name) order, as the whole list did (issue 17: W4-paging). */
const ITEM_ORDER: KeysetOrder<LibraryItemRow> = { key: (i) => [i.library, i.name], noun: 'library item' };

/** `vsphere_list_library_items`: content libraries and their items (templates, ISOs), paged, over vAPI REST (issue 16). */
export function registerListLibraryItemsTool(tools: Toolkit, deps: { clients: VsphereClients; snapshots: RowSnapshots }): void {
  tools.define({
    name: 'vsphere_list_library_items',
    title: 'List content library items',
    description: 'List vCenter content libraries and their items (OVF and VM templates, ISOs, files) with type, size and dates, optionally of one library or matching a name. Page with limit and cursor. Needs vCenter.',
    inputSchema: {
      endpoint: endpointArg,
      library: z.string().max(256).optional().describe('Only the library with this name (exact, case-insensitive)'),
      name: z.string().max(256).optional().describe('Item name filter: substring, or a glob with * and ?; case-insensitive'),
      type: z.string().max(40).optional().describe('Only items of this type, e.g. ovf, vm-template, iso'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: {
      libraries: z.array(LibraryOutput).describe('First page: every library (only the named one with library); later pages: the libraries of their items'),
      items: z.array(ItemOutput).describe('This page of items, sorted by library, then name'),
      ...pageOutput,
    },
    annotations: READ_ONLY,
    // One batch: a failed or cancelled call stops its other reads (VapiCalls.batch).
    run: async ({ endpoint, library, name, type, limit, cursor }, extra) => (await deps.clients.vapi(endpoint, extra.signal)).batch(async (vapi) => {
      // Later pages reuse the first page's reading for up to a minute (RowSnapshots): a walk
      // reads every item once and its total stays stable.
      const query = { kind: 'library-items', endpoint, filters: { library, name, type } };
      const reading = await deps.snapshots.reading(JSON.stringify(query), cursor !== undefined, () => readLibraryRows(vapi, { library, name, type }));
      const page = keysetWindow(reading.items, ITEM_ORDER, query, limit, cursor);
      const onPage = new Set(page.items.map((i) => i.library));
      const libraries: LibraryRow[] = cursor === undefined ? reading.libraries : reading.libraries.filter((l) => onPage.has(l.name));
      // A library that is not there says so, rather than reading as an empty one.
      const counted = page.total === page.items.length ? `${page.items.length}` : `${page.items.length} of ${page.total}`;
      const summary = library && reading.libraries.length === 0
        ? `0 item(s): no content library named ${JSON.stringify(library)}; leave library out to list them all`
        : `${counted} item(s) in ${libraries.length} librar${libraries.length === 1 ? 'y' : 'ies'}`;
      return toolResult(summary, { libraries, items: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    }, extra.signal),
  });
}
