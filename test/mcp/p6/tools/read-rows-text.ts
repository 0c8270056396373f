// What a client that reads only the text block does with a P6 list page (rowsText's form):
// line 2 the page fields and `fields`, line 3 the rows as arrays;
// the page object structuredContent carries, rebuilt. `null` cells are fields the row lacks.

/** The page ({total, count, nextCursor?, rows}) a list tool's text block describes. */
export function pageFromRowsText(text: string): Record<string, unknown> {
  const [, head, table] = text.split('\n');
  const { fields, ...meta } = JSON.parse(head!) as { fields: string[] } & Record<string, unknown>;
  const rows = (table === undefined ? [] : (JSON.parse(table) as unknown[][])).map((values) => {
    const row: Record<string, unknown> = {};
    values.forEach((v, i) => {
      if (v !== null) Object.defineProperty(row, fields[i]!, { value: v, enumerable: true, writable: true, configurable: true });
    });
    return row;
  });
  return { ...meta, rows };
}
