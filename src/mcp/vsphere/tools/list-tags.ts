import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { keysetWindow, type KeysetOrder } from '../inventory/keyset-window.js';
import type { RowSnapshots } from '../inventory/row-snapshots.js';
import { readTagRows, type CategoryRow, type TagRow } from '../inventory/tag-rows.js';
import { attachedObjects } from '../inventory/tagged-objects.js';
import { cursorArg, endpointArg, limitArg, pageOutput } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** Most attached objects shown per tag; `objectsTotal` says how many there are when more. */
export const MAX_OBJECTS_PER_TAG = 100;

const CategoryOutput = z.object({
  id: z.string().describe('Category id (urn:vmomi:InventoryServiceCategory:...)'),
  name: z.string(),
  description: z.string().optional(),
  cardinality: z.string().optional().describe('SINGLE (one tag of it per object) or MULTIPLE'),
  associableTypes: z.array(z.string()).describe('Object types it may tag; empty means all'),
});
const TagOutput = z.object({
  id: z.string().describe('Tag id (urn:vmomi:InventoryServiceTag:...)'),
  name: z.string(),
  category: z.string().describe('Category name'),
  description: z.string().optional(),
  objects: z.array(z.object({ type: z.string().describe('VirtualMachine, HostSystem ...'), moref: z.string() })).optional()
    .describe(`Objects carrying the tag (withObjects), sorted by moref; at most ${MAX_OBJECTS_PER_TAG}`),
  objectsTotal: z.number().int().optional().describe(`How many objects carry the tag, when more than the ${MAX_OBJECTS_PER_TAG} shown (vsphere_list_vms with tag pages through its VMs)`),
});

/** A page of tags runs in (category, name) order, as the whole list did (issue 17: W4-paging). */
const TAG_ORDER: KeysetOrder<TagRow> = { key: (t) => [t.category, t.name], noun: 'tag' };

/** `vsphere_list_tags`: tag categories and tags, paged, with the objects they are attached to (vAPI REST, issue 16). */
export function registerListTagsTool(tools: Toolkit, deps: { clients: VsphereClients; snapshots: RowSnapshots }): void {
  tools.define({
    name: 'vsphere_list_tags',
    title: 'List tags and categories',
    description: 'List vCenter tag categories and tags (vSphere tagging), optionally only of one category or matching a name, and the objects each tag is attached to (type and moref; vsphere_get_vm takes a moref). Page with limit and cursor. Needs vCenter (an ESXi host has no tags).',
    inputSchema: {
      endpoint: endpointArg,
      category: z.string().max(256).optional().describe('Only tags of the category with this name (exact, case-insensitive)'),
      name: z.string().max(256).optional().describe('Tag name filter: substring, or a glob with * and ?; case-insensitive'),
      withObjects: z.boolean().default(true).describe('Include the objects each tag of the page is attached to (default true)'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: {
      categories: z.array(CategoryOutput).describe('First page: every category (only the named one with category); later pages: the categories of their tags'),
      tags: z.array(TagOutput).describe('This page of tags, sorted by category, then name'),
      ...pageOutput,
    },
    annotations: READ_ONLY,
    // One batch: a failed or cancelled call stops its other reads (VapiCalls.batch).
    run: async ({ endpoint, category, name, withObjects, limit, cursor }, extra) => (await deps.clients.vapi(endpoint, extra.signal)).batch(async (vapi) => {
      // Later pages reuse the first page's reading for up to a minute (RowSnapshots): a walk
      // reads every tag once and its total stays stable. The cursor is bound to the filters
      // and endpoint, not to withObjects, which changes what a page shows, not which tags.
      const query = { kind: 'tags', endpoint, filters: { category, name } };
      const reading = await deps.snapshots.reading(JSON.stringify(query), cursor !== undefined, () => readTagRows(vapi, { category, name }));
      const page = keysetWindow(reading.tags, TAG_ORDER, query, limit, cursor);
      // Only this page's tags' objects: a page costs one list-attached call, not one for all tags.
      const byTag = withObjects ? await attachedObjects(vapi, page.items.map((t) => t.id)) : undefined;
      const tags = page.items.map((t) => {
        if (!byTag) return t;
        const objects = byTag.get(t.id) ?? [];
        return objects.length > MAX_OBJECTS_PER_TAG ? { ...t, objects: objects.slice(0, MAX_OBJECTS_PER_TAG), objectsTotal: objects.length } : { ...t, objects };
      });
      const onPage = new Set(page.items.map((t) => t.category));
      const categories: CategoryRow[] = cursor === undefined ? reading.categories : reading.categories.filter((c) => onPage.has(c.name));
      // A category that is not there says so, rather than reading as one without tags.
      const counted = page.total === tags.length ? `${tags.length}` : `${tags.length} of ${page.total}`;
      const summary = category && reading.categories.length === 0
        ? `0 tag(s): no category named ${JSON.stringify(category)}; leave category out to list them all`
        : `${counted} tag(s) in ${categories.length} categor${categories.length === 1 ? 'y' : 'ies'}`;
      return toolResult(summary, { categories, tags, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    }, extra.signal),
  });
}
