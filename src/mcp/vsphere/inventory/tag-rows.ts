import type { VapiCalls } from '../../../connectors/vsphere/vapi/vapi-client.js';
import { vapiText } from '../../../connectors/vsphere/vapi/vapi-value.js';
import { compact } from '../tools/tool-support.js';
import { nameMatcher } from './name-matcher.js';
import { readAll } from './tagged-objects.js';

/** A tag category as vsphere_list_tags shows it. */
export interface CategoryRow {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly cardinality?: string;
  readonly associableTypes: string[];
}

/** A tag as vsphere_list_tags shows it, before its attached objects are read. */
export interface TagRow {
  readonly id: string;
  readonly name: string;
  /** Its category's name (its category id when that category cannot be read). */
  readonly category: string;
  readonly description?: string;
}

/** What one listing of tags read: the categories the filter keeps (sorted by name) and its matching tags (unsorted). */
export interface TagReading {
  readonly categories: CategoryRow[];
  readonly tags: TagRow[];
}

/**
 * Every category and tag (one list call each, then one GET per id) with the filters of
 * vsphere_list_tags applied: `category` (exact name, case-insensitive) and `name` (substring
 * or glob). The attached objects are not read here: a page reads only its own tags' (issue 17).
 */
export async function readTagRows(vapi: VapiCalls, filters: { readonly category?: string | undefined; readonly name?: string | undefined }): Promise<TagReading> {
  const [rawCategories, rawTags] = await Promise.all([readAll(vapi, 'category'), readAll(vapi, 'tag')]);
  const all = rawCategories.map((c): CategoryRow => compact({
    id: vapiText(c['id']) ?? '', name: vapiText(c['name']) ?? '', description: vapiText(c['description']), cardinality: vapiText(c['cardinality']),
    associableTypes: Array.isArray(c['associable_types']) ? (c['associable_types'] as unknown[]).filter((x): x is string => typeof x === 'string') : [],
  })).sort((a, b) => a.name.localeCompare(b.name));
  const categoryName = new Map(all.map((c) => [c.id, c.name]));
  const wanted = filters.category?.toLowerCase();
  const matchName = nameMatcher(filters.name);
  const tags = rawTags
    .map((t): TagRow => compact({ id: vapiText(t['id']) ?? '', name: vapiText(t['name']) ?? '', category: categoryName.get(vapiText(t['category_id']) ?? '') ?? vapiText(t['category_id']) ?? '', description: vapiText(t['description']) }))
    .filter((t) => matchName(t.name) && (wanted === undefined || wanted === '' || t.category.toLowerCase() === wanted));
  const categories = wanted ? all.filter((c) => c.name.toLowerCase() === wanted) : all;
  return { categories, tags };
}
