import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isConnectorError } from '../../../connectors/connector-error.js';
import { p6Clause, type P6FilterValue } from '../../../connectors/p6/index.js';
import { resultText } from '../../runtime/result-text.js';
import { P6ToolError } from '../p6-tool-error.js';

/** Annotations of every read tool: never changes P6, talks to an outside system. */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

/** The optional `endpoint` argument every tool takes. */
export const endpointArg = z.string().min(1).max(64).optional().describe('KeyBroker endpoint name (p6_list_endpoints lists them); may be left out when there is only one P6 endpoint');

/** P6 field names to return; validated again by the connector. */
export const fieldsArg = z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/)).min(1).max(60).optional();

/** A name filter for `:like:`: `%` wildcards as given, else "contains". */
export function likeValue(text: string): string {
  return text.includes('%') ? text : `%${text}%`;
}

/** A filter clause when the argument is given, else `undefined` (p6And skips it). */
export function clauseIf(field: string, op: Parameters<typeof p6Clause>[1], value: P6FilterValue | undefined): string | undefined {
  return value === undefined ? undefined : p6Clause(field, op, value);
}

/** A `:like:` clause ({@link likeValue}) when the text is given, else `undefined`. */
export function likeIf(field: string, text: string | undefined): string | undefined {
  return text === undefined ? undefined : p6Clause(field, ':like:', likeValue(text));
}

/** `limit` and `cursor` of every list tool. */
export function pageArgs(defaultLimit: number, maxLimit: number) {
  return {
    limit: z.number().int().min(1).max(maxLimit).default(defaultLimit).describe(`rows per page, 1-${maxLimit} (default ${defaultLimit})`),
    cursor: z.string().max(200).optional().describe('nextCursor of the previous page, to continue; leave out for the first page'),
  };
}

/** The last arguments of a list tool, in this order: `fields` (naming its P6 object and default fields), `limit`, `cursor`, `endpoint`. */
export function listArgs(p6Object: string, defaultFields: readonly string[], defaultLimit: number, maxLimit: number) {
  return {
    fields: fieldsArg.describe(`P6 ${p6Object} fields to return (default ${defaultFields.join(',')})`),
    ...pageArgs(defaultLimit, maxLimit),
    endpoint: endpointArg,
  };
}

/** Output fields shared by list tools. */
export const pageOutput = {
  total: z.number().int().describe('rows matching the filters, over all pages'),
  count: z.number().int().describe('rows on this page'),
  nextCursor: z.string().optional().describe('pass as cursor for the next page; absent on the last page'),
  // Items unchecked on purpose: validating (and so copying) thousands of rows per page cost
  // more than the P6 read itself (bench/p6-activities); the connector already checked the array.
  rows: z.array(z.unknown()).describe('P6 objects with the requested fields; missing fields are empty in P6'),
};

/** An opaque cursor: the last ObjectId of the previous page (paging is by ObjectId). */
export function encodeCursor(after: number | undefined): string | undefined {
  return after === undefined ? undefined : Buffer.from(JSON.stringify({ after })).toString('base64url');
}

/** Read a cursor made by {@link encodeCursor}. */
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  try {
    const after = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown }).after;
    if (typeof after === 'number' && Number.isSafeInteger(after)) return after;
  } catch {
    // fall through to the error below
  }
  throw new P6ToolError('P6_BAD_CURSOR', 'the cursor is not one this server made; pass nextCursor from the previous page unchanged');
}

/** A result with structured content, and a text block with the summary, the cursor and the same data as JSON (resultText). */
export function result<T extends Record<string, unknown>>(text: string, structured: T): CallToolResult & { structuredContent: T } {
  return { content: [{ type: 'text', text: resultText(text, structured) }], structuredContent: structured };
}

/** The text of a failure as a P6 tool reports it: `CODE: message` for expected failures. */
export function p6ErrorText(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (isConnectorError(e) || e instanceof P6ToolError || (e as Error)?.name === 'TokenDeniedError') return `${String(code)}: ${(e as Error).message}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Run a handler and turn expected failures into `isError` results with their safe
 * message and code. Anything else is rethrown for the SDK (a bug, reported generically).
 */
export async function guarded(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (e) {
    if (isConnectorError(e) || e instanceof P6ToolError || (e as Error)?.name === 'TokenDeniedError') {
      return { isError: true, content: [{ type: 'text', text: p6ErrorText(e) }] };
    }
    throw e;
  }
}
