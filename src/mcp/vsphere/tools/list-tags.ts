import { z } from 'zod';
import { vapiText } from '../../../connectors/vsphere/vapi/vapi-value.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { nameMatcher } from '../inventory/name-matcher.js';
import { readAll } from '../inventory/tagged-objects.js';
import { compact, endpointArg } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

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
  objects: z.array(z.object({ type: z.string().describe('VirtualMachine, HostSystem ...'), moref: z.string() })).optional().describe('Objects carrying the tag (withObjects)'),
});
type Json = Record<string, unknown>;

/** `vsphere_list_tags`: tag categories and tags, with the objects they are attached to (vAPI REST, issue 16). */
export function registerListTagsTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_tags',
    title: 'List tags and categories',
    description: 'List vCenter tag categories and tags (vSphere tagging), optionally only of one category or matching a name, and the objects each tag is attached to (type and moref; vsphere_get_vm takes a moref). Needs vCenter (an ESXi host has no tags).',
    inputSchema: {
      endpoint: endpointArg,
      category: z.string().max(256).optional().describe('Only tags of the category with this name (exact, case-insensitive)'),
      name: z.string().max(256).optional().describe('Tag name filter: substring, or a glob with * and ?; case-insensitive'),
      withObjects: z.boolean().default(true).describe('Include the objects each tag is attached to (default true)'),
    },
    outputSchema: { categories: z.array(CategoryOutput), tags: z.array(TagOutput).describe('Tags sorted by category, then name'), total: z.number().int().describe('Tags returned') },
    annotations: READ_ONLY,
    // One batch: a failed or cancelled call stops its other reads (VapiCalls.batch).
    run: async ({ endpoint, category, name, withObjects }, extra) => (await deps.clients.vapi(endpoint)).batch(async (vapi) => {
      const [rawCategories, rawTags] = await Promise.all([readAll(vapi, 'category'), readAll(vapi, 'tag')]);
      const categories = rawCategories.map((c) => compact({
        id: vapiText(c['id']) ?? '', name: vapiText(c['name']) ?? '', description: vapiText(c['description']), cardinality: vapiText(c['cardinality']),
        associableTypes: Array.isArray(c['associable_types']) ? (c['associable_types'] as unknown[]).filter((x): x is string => typeof x === 'string') : [],
      })).sort((a, b) => a.name.localeCompare(b.name));
      const categoryName = new Map(categories.map((c) => [c.id, c.name]));
      const matchName = nameMatcher(name);
      const tags = rawTags
        .map((t) => compact({ id: vapiText(t['id']) ?? '', name: vapiText(t['name']) ?? '', category: categoryName.get(vapiText(t['category_id']) ?? '') ?? vapiText(t['category_id']) ?? '', description: vapiText(t['description']) }))
        .filter((t) => matchName(t.name) && (!category || t.category.toLowerCase() === category.toLowerCase()))
        .sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name));
      let out: z.infer<typeof TagOutput>[] = tags;
      if (withObjects && tags.length > 0) {
        const attached = (await vapi.call('POST', '/com/vmware/cis/tagging/tag-association?~action=list-attached-objects-on-tags', { tag_ids: tags.map((t) => t.id) })) as unknown;
        const byTag = new Map<string, { type: string; moref: string }[]>();
        for (const a of Array.isArray(attached) ? (attached as Json[]) : []) {
          const objects = Array.isArray(a['object_ids']) ? (a['object_ids'] as Json[]) : [];
          byTag.set(vapiText(a['tag_id']) ?? '', objects.map((o) => ({ type: vapiText(o['type']) ?? '', moref: vapiText(o['id']) ?? '' })).sort((x, y) => x.moref.localeCompare(y.moref, undefined, { numeric: true })));
        }
        out = tags.map((t) => ({ ...t, objects: byTag.get(t.id) ?? [] }));
      }
      const shownCategories = category ? categories.filter((c) => c.name.toLowerCase() === category.toLowerCase()) : categories;
      // A category that is not there says so, rather than reading as one without tags.
      const summary = category && shownCategories.length === 0
        ? `0 tag(s): no category named ${JSON.stringify(category)}; leave category out to list them all`
        : `${out.length} tag(s) in ${shownCategories.length} categor${shownCategories.length === 1 ? 'y' : 'ies'}`;
      return toolResult(summary, { categories: shownCategories, tags: out, total: out.length });
    }, extra.signal),
  });
}
