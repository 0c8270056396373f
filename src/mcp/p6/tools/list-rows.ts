import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { P6Clients } from '../p6-clients.js';
import { rowsText } from './rows-text.js';
import { decodeCursor, encodeCursor } from './tool-kit.js';

/** What every list tool asks of {@link listRows}. */
export interface ListRowsRequest {
  endpoint: string | undefined;
  resource: string;
  fields: readonly string[];
  filter: string | undefined;
  limit: number;
  cursor: string | undefined;
  /** Plural noun for the text, e.g. "activities". */
  noun: string;
  /** Fields the tool adds to the page (after `nextCursor`), in structuredContent and the text alike. */
  extra?: Record<string, unknown>;
  /** The tool call's (`extra.signal`): a cancelled call ends its P6 reads. */
  signal: AbortSignal | undefined;
}

/**
 * One page of a list tool: client-side paging by ObjectId (connector), cursor, total. The
 * text block carries the page as a table ({@link rowsText}), not as the toolkit's JSON copy.
 */
export async function listRows(endpoints: P6Clients, req: ListRowsRequest): Promise<CallToolResult> {
  const query = { endpoint: req.endpoint, resource: req.resource, filter: req.filter };
  const after = decodeCursor(req.cursor, query);
  const client = await endpoints.client(req.endpoint, req.signal);
  const page = await client.readPage(req.resource, { fields: req.fields, filter: req.filter, after, limit: req.limit });
  const nextCursor = encodeCursor(page.next, query);
  const text = `${page.rows.length} of ${page.total} ${req.noun}${nextCursor ? '; more with the nextCursor' : ''}`;
  const structured = { total: page.total, count: page.rows.length, ...(nextCursor && { nextCursor }), ...req.extra, rows: page.rows };
  return { content: [{ type: 'text', text: rowsText(text, structured, req.fields) }], structuredContent: structured };
}

/** The arguments every list tool takes (`fields` where the tool lets the caller choose). */
export interface ListToolArgs {
  endpoint?: string | undefined;
  fields?: string[] | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** What one list tool reads: its P6 resource, default fields, noun, and filter. */
export interface ListToolSpec {
  resource: string;
  defaultFields: readonly string[];
  /** Plural noun for the text, e.g. "activities". */
  noun: string;
  /** The filter from the arguments; may look names up in P6 and throw a P6ToolError. */
  filter: () => string | undefined | Promise<string | undefined>;
}

/** The handler body of a list tool: the tool's filter, then one page by {@link listRows}; `signal` is the tool call's. */
export async function listPage(endpoints: P6Clients, args: ListToolArgs, spec: ListToolSpec, signal: AbortSignal | undefined): Promise<CallToolResult> {
  return listRows(endpoints, {
    endpoint: args.endpoint,
    resource: spec.resource,
    fields: args.fields ?? spec.defaultFields,
    filter: await spec.filter(),
    limit: args.limit,
    cursor: args.cursor,
    noun: spec.noun,
    signal,
  });
}
