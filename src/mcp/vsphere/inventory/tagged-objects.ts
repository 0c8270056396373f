import type { VapiCalls } from '../../../connectors/vsphere/vapi/vapi-client.js';
import { vapiIds, vapiText } from '../../../connectors/vsphere/vapi/vapi-value.js';
import { VsphereToolError } from '../vsphere-tool-error.js';

type Json = Record<string, unknown>;

/** Every tag category or tag, with its fields (vAPI lists ids, then reads each). */
export async function readAll(vapi: VapiCalls, kind: 'category' | 'tag'): Promise<Json[]> {
  const ids = vapiIds(await vapi.call('GET', `/com/vmware/cis/tagging/${kind}`));
  return Promise.all(ids.map(async (id) => ((await vapi.call('GET', `/com/vmware/cis/tagging/${kind}/id:${encodeURIComponent(id)}`)) ?? {}) as Json));
}

/**
 * The MoRef values of the objects of `type` carrying the tag `spec`: "name" (in any
 * category) or "category/name", case-insensitive (issue 16: tags as a filter). Throws a
 * tool error naming `vsphere_list_tags` when no tag matches.
 */
export async function taggedObjects(vapi: VapiCalls, spec: string, type: string): Promise<Set<string>> {
  // One batch: a failed read stops the others (VapiCalls.batch).
  return vapi.batch((calls) => readTaggedObjects(calls, spec, type));
}

async function readTaggedObjects(vapi: VapiCalls, spec: string, type: string): Promise<Set<string>> {
  const slash = spec.indexOf('/');
  const categoryName = slash > 0 ? spec.slice(0, slash).toLowerCase() : undefined;
  const tagName = (slash > 0 ? spec.slice(slash + 1) : spec).toLowerCase();
  const [tags, categories] = await Promise.all([readAll(vapi, 'tag'), categoryName === undefined ? Promise.resolve([]) : readAll(vapi, 'category')]);
  const categoryIds = new Set(categories.filter((c) => vapiText(c['name'])?.toLowerCase() === categoryName).map((c) => vapiText(c['id'])));
  const ids = tags
    .filter((t) => vapiText(t['name'])?.toLowerCase() === tagName && (categoryName === undefined || categoryIds.has(vapiText(t['category_id']))))
    .map((t) => vapiText(t['id']))
    .filter((x): x is string => x !== undefined);
  if (ids.length === 0) throw new VsphereToolError(`no tag named ${JSON.stringify(spec)}; vsphere_list_tags lists the tags (use "category/name" when names repeat)`);
  const out = new Set<string>();
  for (const objects of (await attachedObjects(vapi, ids)).values()) {
    for (const o of objects) if (o.moref && o.type === type) out.add(o.moref);
  }
  return out;
}

/** An object a tag is attached to: its type (VirtualMachine, HostSystem ...) and MoRef value. */
export interface AttachedObject {
  readonly type: string;
  readonly moref: string;
}

/**
 * The objects attached to each of `tagIds`, in one call (list-attached-objects-on-tags), each
 * tag's sorted by MoRef value; a tag with none may be missing from the map.
 */
export async function attachedObjects(vapi: VapiCalls, tagIds: readonly string[]): Promise<Map<string, AttachedObject[]>> {
  const byTag = new Map<string, AttachedObject[]>();
  if (tagIds.length === 0) return byTag;
  const attached = (await vapi.call('POST', '/com/vmware/cis/tagging/tag-association?~action=list-attached-objects-on-tags', { tag_ids: tagIds })) as unknown;
  for (const a of Array.isArray(attached) ? (attached as Json[]) : []) {
    const objects = Array.isArray(a['object_ids']) ? (a['object_ids'] as Json[]) : [];
    byTag.set(vapiText(a['tag_id']) ?? '', objects.map((o) => ({ type: vapiText(o['type']) ?? '', moref: vapiText(o['id']) ?? '' })).sort((x, y) => x.moref.localeCompare(y.moref, undefined, { numeric: true })));
  }
  return byTag;
}
