import type { ManagedObjectRef } from '../../../connectors/vsphere/index.js';
import type { VapiCalls } from '../../../connectors/vsphere/vapi/vapi-client.js';
import { vapiText } from '../../../connectors/vsphere/vapi/vapi-value.js';
import type { VsphereClients } from '../endpoint-clients.js';

/**
 * Reads a VM's tags as `category:name` for `policy.rules` (issue 14, D60). Throws when they
 * cannot be read (no vAPI session, vAPI down): the caller then leaves the fact out.
 */
export type VmTagReader = (vm: ManagedObjectRef) => Promise<string[] | undefined>;

/** At most this many tags become the fact (the contract's list limit); more leaves it unknown. */
const MAX_TAGS = 100;
/** The contract's limit on one list entry. */
const MAX_TAG_CHARS = 256;

type Json = Record<string, unknown>;
const get = async (vapi: VapiCalls, kind: 'tag' | 'category', id: string): Promise<Json> => ((await vapi.call('GET', `/com/vmware/cis/tagging/${kind}/id:${encodeURIComponent(id)}`)) ?? {}) as Json;

/**
 * The tags attached to `vm`, `category:name`, sorted; [] when it has none. Undefined when the
 * list would be incomplete (a tag or category without a name, more than {@link MAX_TAGS},
 * one too long for the contract): a partial list could hide the tag a `deny` rule looks for,
 * so it is left unknown instead (a deny rule then denies, an allow rule does not allow).
 */
export async function readVmTags(client: VapiCalls, vm: ManagedObjectRef): Promise<string[] | undefined> {
  // One batch: a failed read stops the others (VapiCalls.batch).
  return client.batch((vapi) => readTagsOf(vapi, vm));
}

async function readTagsOf(vapi: VapiCalls, vm: ManagedObjectRef): Promise<string[] | undefined> {
  const answer = await vapi.call('POST', '/com/vmware/cis/tagging/tag-association?~action=list-attached-tags', { object_id: { id: vm.value, type: vm.type } });
  // vcsim answers `{"value": null}` for an object without tags (a Go nil list); vCenter `[]`.
  const ids = answer === null ? [] : answer;
  if (!Array.isArray(ids)) return undefined;
  const tagIds = [...new Set(ids.filter((x): x is string => typeof x === 'string'))];
  if (tagIds.length !== ids.length || tagIds.length > MAX_TAGS) return undefined;
  const tags = await Promise.all(tagIds.map((id) => get(vapi, 'tag', id)));
  const categoryIds = [...new Set(tags.map((t) => vapiText(t['category_id'])))];
  if (categoryIds.includes(undefined)) return undefined;
  const categories = new Map(await Promise.all(categoryIds.map(async (id) => [id, vapiText((await get(vapi, 'category', id!))['name'])] as const)));
  const out: string[] = [];
  for (const t of tags) {
    const category = categories.get(vapiText(t['category_id']));
    const name = vapiText(t['name']);
    if (category === undefined || name === undefined) return undefined;
    const fact = `${category}:${name}`;
    if (fact.length > MAX_TAG_CHARS) return undefined;
    out.push(fact);
  }
  return out.sort();
}

/** The tag reader of `endpoint`: its vAPI REST session, from the same login as the SOAP one (D58). */
export function vmTagReader(clients: Pick<VsphereClients, 'vapi'>, endpoint: string | undefined): VmTagReader {
  return async (vm) => readVmTags(await clients.vapi(endpoint, undefined), vm);
}
