import type { VapiCalls } from '../../../connectors/vsphere/vapi/vapi-client.js';
import { vapiIds, vapiText } from '../../../connectors/vsphere/vapi/vapi-value.js';
import { compact } from '../tools/tool-support.js';
import { nameMatcher } from './name-matcher.js';

/** A content library as vsphere_list_library_items shows it. */
export interface LibraryRow {
  readonly id: string;
  readonly name: string;
  readonly type?: string;
  readonly description?: string;
  /** Every item it holds, whatever the filters. */
  readonly items: number;
}

/** A content library item as vsphere_list_library_items shows it. */
export interface LibraryItemRow {
  readonly id: string;
  readonly name: string;
  /** Its library's name (the library id when the library has none). */
  readonly library: string;
  readonly type?: string;
  readonly sizeBytes?: number;
  readonly description?: string;
  readonly created?: string;
  readonly modified?: string;
}

/** What one listing read: the libraries the filter keeps (sorted by name) and their matching items (unsorted). */
export interface LibraryReading {
  readonly libraries: LibraryRow[];
  readonly items: LibraryItemRow[];
}

type Json = Record<string, unknown>;
const enc = encodeURIComponent;

async function get(vapi: VapiCalls, path: string): Promise<Json> {
  return ((await vapi.call('GET', path)) ?? {}) as Json;
}

/**
 * Every content library (the one named `library`, case-insensitive, when given) and every
 * item of each (vAPI lists ids, then one GET per id), keeping the items whose name matches
 * `name` (substring or glob) and whose type is `type` (case-insensitive). vAPI has no sorted
 * or paged list, so a listing reads them all; later pages reuse the reading (RowSnapshots).
 */
export async function readLibraryRows(vapi: VapiCalls, filters: { readonly library?: string | undefined; readonly name?: string | undefined; readonly type?: string | undefined }): Promise<LibraryReading> {
  const all = await Promise.all(vapiIds(await vapi.call('GET', '/com/vmware/content/library')).map((id) => get(vapi, `/com/vmware/content/library/id:${enc(id)}`)));
  const wanted = filters.library?.toLowerCase();
  const chosen = all.filter((l) => !wanted || vapiText(l['name'])?.toLowerCase() === wanted);
  const matchName = nameMatcher(filters.name);
  const type = filters.type?.toLowerCase();
  const items: LibraryItemRow[] = [];
  const libraries = await Promise.all(chosen.map(async (l): Promise<LibraryRow> => {
    const lid = vapiText(l['id']) ?? '';
    const itemIds = vapiIds(await vapi.call('GET', `/com/vmware/content/library/item?library_id=${enc(lid)}`));
    for (const it of await Promise.all(itemIds.map((id) => get(vapi, `/com/vmware/content/library/item/id:${enc(id)}`)))) {
      const row: LibraryItemRow = compact({
        id: vapiText(it['id']) ?? '', name: vapiText(it['name']) ?? '', library: vapiText(l['name']) ?? lid, type: vapiText(it['type']),
        sizeBytes: typeof it['size'] === 'number' ? it['size'] : undefined, description: vapiText(it['description']),
        created: vapiText(it['creation_time']), modified: vapiText(it['last_modified_time']),
      });
      if (matchName(row.name) && (!type || row.type?.toLowerCase() === type)) items.push(row);
    }
    return compact({ id: lid, name: vapiText(l['name']) ?? '', type: vapiText(l['type']), description: vapiText(l['description']), items: itemIds.length });
  }));
  return { libraries: libraries.sort((a, b) => a.name.localeCompare(b.name)), items };
}
