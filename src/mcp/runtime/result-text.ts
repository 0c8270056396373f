/**
 * The text block of a tool result (issue 16): a client that reads only text must get the
 * same data as one that reads `structuredContent`. So the text is the one-line summary,
 * the next page's cursor when there is one, and the structured content as compact JSON
 * (every field, nothing rephrased). MCP asks for exactly this: "a tool that returns
 * structured content SHOULD also return the serialized JSON in a TextContent block".
 */
export function resultText(summary: string, structured: Record<string, unknown>): string {
  const first = summary.split('\n', 1)[0] ?? '';
  const cursor = typeof structured['nextCursor'] === 'string' ? structured['nextCursor'] : undefined;
  const more = cursor !== undefined && !first.includes(cursor) ? `; next page: pass cursor "${cursor}"` : '';
  return `${first}${more}\n${JSON.stringify(structured)}`;
}
