/** A page of a list tool, as its structuredContent carries it (a tool may add fields, e.g. `obsObjectIds`). */
export interface RowsPage {
  readonly total: number;
  readonly count: number;
  readonly nextCursor?: string;
  readonly rows: readonly Record<string, unknown>[];
  readonly [extra: string]: unknown;
}

/**
 * The text block of a list tool's page (issue 16: the data in the text, every field, and the
 * cursor), as a table rather than a second copy of the rows as JSON objects (issue 17 item 4):
 *
 * - line 1: the summary, with the next page's cursor when there is one;
 * - line 2: every field of the page but `rows` (`total`, `count`, `nextCursor`, any the tool
 *   adds), then `fields`, as compact JSON;
 * - then one compact JSON array per row, its values in `fields` order, `null` where the row
 *   has no value (P6 leaves out empty fields).
 *
 * `fields` are the requested fields in their order, then any other field a row carries (in
 * the order first seen), so no value is left out. The field names are written once instead
 * of once per row: a 5,000-activity page's text is 0.53 MB instead of 0.98 MB, and its whole
 * JSON-RPC message 1.57 MB instead of 2.09 MB (docs/PERFORMANCE.md §3).
 */
export function rowsText(summary: string, page: RowsPage, requested: readonly string[]): string {
  const fields = [...requested];
  const known = new Set(fields);
  for (const row of page.rows) {
    for (const key of Object.keys(row)) {
      if (known.has(key)) continue;
      known.add(key);
      fields.push(key);
    }
  }
  const first = summary.split('\n', 1)[0] ?? '';
  const cursor = page.nextCursor;
  const more = cursor !== undefined && !first.includes(cursor) ? `; next page: pass cursor "${cursor}"` : '';
  const { rows, ...meta } = page;
  const lines = [`${first}${more}`, JSON.stringify({ ...meta, fields })];
  for (const row of rows) lines.push(JSON.stringify(fields.map((f) => row[f] ?? null)));
  return lines.join('\n');
}
