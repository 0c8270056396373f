// What a client that reads only the text block does with a P6 list page (rowsText's form):
// the page object structuredContent carries, rebuilt. `null` cells are fields the row lacks.

/** The page ({total, count, nextCursor?, rows}) a list tool's text block describes. */
export function pageFromRowsText(text: string): Record<string, unknown> {
  const [, head, ...lines] = text.split('\n');
  const { fields, ...meta } = JSON.parse(head!) as { fields: string[] } & Record<string, unknown>;
  const rows = lines.map((line) => {
    const row: Record<string, unknown> = {};
    (JSON.parse(line) as unknown[]).forEach((v, i) => {
      if (v !== null) Object.defineProperty(row, fields[i]!, { value: v, enumerable: true, writable: true, configurable: true });
    });
    return row;
  });
  return { ...meta, rows };
}
