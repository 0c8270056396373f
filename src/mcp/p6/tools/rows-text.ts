/** A page of a list tool, as its structuredContent carries it (a tool may add fields, e.g. `obsObjectIds`). */
export interface RowsPage {
  readonly total: number;
  readonly count: number;
  readonly nextCursor?: string;
  readonly rows: readonly Record<string, unknown>[];
  readonly [extra: string]: unknown;
}

/**
 * U+0085, U+2028 and U+2029, which JSON.stringify writes raw inside strings: a reader that splits
 * the text on every Unicode line break (Python's `str.splitlines`, some editors) would cut line
 * 3 at a value carrying one and no longer rebuild the page (D92).
 */
const UNICODE_LINE_BREAKS = /[\u0085\u2028\u2029]/g;
/**
 * `json` with those characters as JSON escapes (they occur only inside its strings): the same
 * value, one line for every reader. Three `includes` first: on a table of ASCII values they
 * answer at once (V8 knows a one-byte string holds no U+2028), where the regular expression
 * scanned the whole 0.5 MB table of a 5,000-row page (0.13 ms; 0.003 ms for the three).
 */
const oneLine = (json: string): string =>
  json.includes('\u2028') || json.includes('\u2029') || json.includes('\u0085') ? json.replace(UNICODE_LINE_BREAKS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;

/**
 * The text block of a list tool's page (issue 16: the data in the text, every field, and the
 * cursor), as a table rather than a second copy of the rows as JSON objects (issue 17 item 4):
 *
 * - line 1: the summary, with the next page's cursor when there is one;
 * - line 2: every field of the page but `rows` (`total`, `count`, `nextCursor`, any the tool
 *   adds), then `fields`, as compact JSON;
 * - line 3 (when there are rows): the rows as one compact JSON array of arrays, each row's
 *   values in `fields` order, `null` where the row has no value (P6 leaves out empty fields).
 *
 * `fields` are the requested fields in their order, then any other field a row carries (in
 * the order first seen), so no value is left out. The field names are written once instead
 * of once per row: a 5,000-activity page's text is 0.53 MB instead of 0.98 MB, and its whole
 * JSON-RPC message 1.57 MB instead of 2.09 MB (docs/PERFORMANCE.md §3). The rows are one
 * JSON.stringify call, not one per row: as cheap to write as the JSON copy it replaces.
 */
export function rowsText(summary: string, page: RowsPage, requested: readonly string[]): string {
  const { rows, ...meta } = page;
  const fields = [...requested];
  const known = new Set(fields);
  for (const row of rows) {
    for (const key in row) {
      if (known.has(key) || !Object.hasOwn(row, key)) continue;
      known.add(key);
      fields.push(key);
    }
  }
  const width = fields.length;
  const table = new Array<unknown[]>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const values = new Array<unknown>(width);
    for (let i = 0; i < width; i++) values[i] = Object.hasOwn(row, fields[i]!) ? (row[fields[i]!] ?? null) : null;
    table[r] = values;
  }
  const first = summary.split('\n', 1)[0] ?? '';
  const cursor = page.nextCursor;
  const more = cursor !== undefined && !first.includes(cursor) ? `; next page: pass cursor "${cursor}"` : '';
  // Security: one line each whatever a value holds (JSON escapes \n and \r; oneLine the rest).
  const head = `${first}${more}\n${oneLine(JSON.stringify({ ...meta, fields }))}`;
  return rows.length === 0 ? head : `${head}\n${oneLine(JSON.stringify(table))}`;
}
