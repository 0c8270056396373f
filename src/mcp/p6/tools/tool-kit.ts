import { z } from 'zod';
import { p6Clause, type P6FilterValue } from '../../../connectors/p6/index.js';
import { cursorQueryKey, optionalEndpointArg, pageOutputFields, pagingArgs } from '../../runtime/toolkit/index.js';
import { P6ToolError } from '../p6-tool-error.js';

// The P6 wording of the toolkit's arguments and P6's own helpers: tool definitions are pinned
// by users, so these strings stay byte-identical.

/** The optional `endpoint` argument every tool takes. */
export const endpointArg = optionalEndpointArg('KeyBroker endpoint name (p6_list_endpoints lists them); may be left out when there is only one P6 endpoint');

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
  return pagingArgs({
    defaultLimit,
    maxLimit,
    limitText: `rows per page, 1-${maxLimit} (default ${defaultLimit})`,
    cursorMax: 200,
    cursorText: 'nextCursor of the previous page, to continue; leave out for the first page',
  });
}

/** The last arguments of a list tool, in this order: `fields` (naming its P6 object and default fields), `limit`, `cursor`, `endpoint`. */
export function listArgs(p6Object: string, defaultFields: readonly string[], defaultLimit: number, maxLimit: number) {
  return {
    fields: fieldsArg.describe(`P6 ${p6Object} fields to return (default ${defaultFields.join(',')})`),
    ...pageArgs(defaultLimit, maxLimit),
    endpoint: endpointArg,
  };
}

const paging = pageOutputFields({
  total: 'rows matching the filters, over all pages',
  nextCursor: 'pass as cursor for the next page; absent on the last page',
});

/** Output fields shared by list tools (in this order: tool pins hash the schema). */
export const pageOutput = {
  total: paging.total,
  count: z.number().int().describe('rows on this page'),
  nextCursor: paging.nextCursor,
  // Items unchecked on purpose: validating (and so copying) thousands of rows per page cost
  // more than the P6 read itself (bench/p6-activities); the connector already checked the array.
  rows: z.array(z.unknown()).describe('P6 objects with the requested fields; missing fields are empty in P6'),
};

/**
 * What a cursor is bound to: the endpoint as the caller named it, the P6 object and the filter
 * (which holds the resolved project). Not `fields` or `limit`, which change what a page shows,
 * not which rows it walks.
 */
export interface CursorQuery {
  readonly endpoint: string | undefined;
  readonly resource: string;
  readonly filter: string | undefined;
}

function queryKey(query: CursorQuery): string {
  return cursorQueryKey([query.resource, query.endpoint ?? '', query.filter ?? '']);
}

/**
 * An opaque cursor: the last ObjectId of the previous page (paging is by ObjectId), or an
 * offset, bound to its query. Unbound, a cursor from another endpoint, project or filter was
 * taken as a position in this one and silently skipped every row before it.
 */
export function encodeCursor(after: number | undefined, query: CursorQuery): string | undefined {
  return after === undefined ? undefined : Buffer.from(JSON.stringify({ after, q: queryKey(query) })).toString('base64url');
}

/** Read a cursor made by {@link encodeCursor} for the same query. */
export function decodeCursor(cursor: string | undefined, query: CursorQuery): number | undefined {
  if (cursor === undefined) return undefined;
  let body: { after?: unknown; q?: unknown } | undefined;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown; q?: unknown };
  } catch {
    // falls through to the error below
  }
  const after = body?.after;
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || typeof body?.q !== 'string') {
    throw new P6ToolError('P6_BAD_CURSOR', 'the cursor is not one this server made; pass nextCursor from the previous page unchanged');
  }
  if (body.q !== queryKey(query)) {
    throw new P6ToolError('P6_BAD_CURSOR', 'the cursor belongs to another list (another endpoint, project or filter); repeat the call with the same arguments, or start again without a cursor');
  }
  return after;
}
