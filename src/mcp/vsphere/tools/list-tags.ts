import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { listWindow } from '../inventory/list-window.js';
import { loadTagCatalog, tagPath } from '../inventory/tag-catalog.js';
import { cursorArg, endpointArg, limitArg, pageOutput, READ_ONLY, toolResult } from './tool-support.js';

/** One tagging category in vsphere_list_tags output. */
export const TagCategoryOutput = z.object({
  id: z.string().describe('Category id (urn:vmomi:InventoryServiceCategory:…)'),
  name: z.string().describe('Category name'),
  description: z.string().describe('Category description'),
  cardinality: z.string().describe('SINGLE (one tag of this category per object) or MULTIPLE'),
  associableTypes: z.array(z.string()).describe('Object types its tags can be attached to; empty means all'),
});

/** One tag in vsphere_list_tags output. */
export const TagOutput = z.object({
  id: z.string().describe('Tag id (urn:vmomi:InventoryServiceTag:…)'),
  name: z.string().describe('Tag name'),
  category: z.string().describe('Name of its category'),
  path: z.string().describe('"category/tag": pass as the tag filter of vsphere_list_vms'),
  description: z.string().describe('Tag description'),
});

/** `vsphere_list_tags`: tagging categories and tags, through the vAPI REST session. */
export function registerListTagsTool(server: McpServer, deps: { clients: VsphereClients }): void {
  server.registerTool(
    'vsphere_list_tags',
    {
      title: 'List tags and tag categories',
      description: 'List the vCenter\'s tag categories and the tags in them (paged by tag name). A tag\'s path "category/tag" is what the tag filter of vsphere_list_vms takes.',
      inputSchema: {
        endpoint: endpointArg,
        category: z.string().min(1).max(256).optional().describe('Only tags of the category with this name (case-insensitive)'),
        limit: limitArg,
        cursor: cursorArg,
      },
      outputSchema: {
        categories: z.array(TagCategoryOutput).describe('Every category (or the one asked for), sorted by name'),
        tags: z.array(TagOutput).describe('This page of tags, sorted by name'),
        ...pageOutput,
      },
      annotations: READ_ONLY,
    },
    async ({ endpoint, category, limit, cursor }) => {
      const catalog = await loadTagCatalog(await deps.clients.vapiFor(endpoint));
      const categories = catalog.categories
        .filter((c) => category === undefined || c.name.toLowerCase() === category.toLowerCase())
        .map((c) => ({ id: c.id, name: c.name, description: c.description ?? '', cardinality: c.cardinality ?? '', associableTypes: [...(c.associable_types ?? [])] }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const wanted = new Set(categories.map((c) => c.id));
      const rows = catalog.tags
        .filter((t) => wanted.has(t.category_id))
        .map((t) => ({ id: t.id, name: t.name, moref: t.id, category: categories.find((c) => c.id === t.category_id)?.name ?? '', path: tagPath(catalog, t), description: t.description ?? '' }));
      const page = listWindow(rows, ['tags', category ?? ''], limit, cursor);
      const tags = page.items.map(({ moref: _m, ...t }) => t);
      const more = page.nextCursor ? `; more with cursor ${page.nextCursor}` : '';
      // The text block carries the summary and the same data as JSON (resultText).
      return toolResult({ categories, tags, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, `${categories.length} categories, ${tags.length} of ${page.total} tags${more}`);
    },
  );
}
