import type { VapiCategory, VapiClient, VapiTag } from '../../../connectors/vsphere/index.js';
import { VsphereToolError } from '../vsphere-tool-error.js';

/** Every tagging category and tag of a vCenter, read through the vAPI REST service. */
export interface TagCatalog {
  readonly categories: VapiCategory[];
  readonly tags: VapiTag[];
}

/** Most ids read one by one (the REST API has no bulk get); beyond this the call is refused. */
const MAX_OBJECTS = 5_000;

/** Read every category and tag (one list call each, then one get per id). */
export async function loadTagCatalog(vapi: VapiClient): Promise<TagCatalog> {
  const categoryIds = await vapi.listCategoryIds();
  const tagIds = await vapi.listTagIds();
  if (categoryIds.length + tagIds.length > MAX_OBJECTS) {
    throw new VsphereToolError(`this vCenter has ${categoryIds.length} tag categories and ${tagIds.length} tags, more than the ${MAX_OBJECTS} KeyBroker reads one by one; filter in the vSphere Client instead`);
  }
  const categories: VapiCategory[] = [];
  for (const id of categoryIds) categories.push(await vapi.getCategory(id));
  const tags: VapiTag[] = [];
  for (const id of tagIds) tags.push(await vapi.getTag(id));
  return { categories, tags };
}

/** "category/tag" for a tag: how tools name it. */
export function tagPath(catalog: TagCatalog, tag: VapiTag): string {
  const c = catalog.categories.find((x) => x.id === tag.category_id);
  return `${c?.name ?? tag.category_id}/${tag.name}`;
}

/**
 * The one tag `spec` names: a tag id (urn:vmomi:InventoryServiceTag:…), "category/tag", or a
 * tag name that is unique across categories. Names compare case-insensitively.
 *
 * @throws VsphereToolError when nothing or more than one tag matches, naming the choices.
 */
export function resolveTag(catalog: TagCatalog, spec: string): VapiTag {
  const byId = catalog.tags.find((t) => t.id === spec);
  if (byId) return byId;
  const lower = spec.toLowerCase();
  const slash = lower.indexOf('/');
  const matches = catalog.tags.filter((t) => (slash >= 0 ? tagPath(catalog, t).toLowerCase() === lower : t.name.toLowerCase() === lower));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new VsphereToolError(`no tag ${JSON.stringify(spec)}; vsphere_list_tags lists them (pass "category/tag" or the tag name)`);
  throw new VsphereToolError(`${matches.length} tags are named ${JSON.stringify(spec)} (${matches.map((t) => tagPath(catalog, t)).sort().join(', ')}); pass "category/tag"`);
}
