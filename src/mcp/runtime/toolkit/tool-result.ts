import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { resultText } from '../result-text.js';

/**
 * A tool's answer: `structured` as structuredContent, and a text block with the one-line
 * `summary`, the next cursor and the same data as JSON ({@link resultText}, issue 16).
 */
export function toolResult<T extends Record<string, unknown>>(summary: string, structured: T): CallToolResult & { structuredContent: T } {
  return { content: [{ type: 'text', text: resultText(summary, structured) }], structuredContent: structured };
}

/** A refusal the toolkit itself reports (a malformed approval, a failure): `isError` with one text block. */
export function toolFailure(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}
