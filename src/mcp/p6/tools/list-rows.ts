import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { P6Endpoints } from '../p6-endpoints.js';
import { decodeCursor, encodeCursor, result } from './tool-kit.js';

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
}

/** One page of a list tool: client-side paging by ObjectId (connector), cursor, total. */
export async function listRows(endpoints: P6Endpoints, req: ListRowsRequest): Promise<CallToolResult> {
  const client = await endpoints.client(req.endpoint);
  const page = await client.readPage(req.resource, { fields: req.fields, filter: req.filter, after: decodeCursor(req.cursor), limit: req.limit });
  const nextCursor = encodeCursor(page.next);
  const text = `${page.rows.length} of ${page.total} ${req.noun}${nextCursor ? '; more with the nextCursor' : ''}`;
  return result(text, { total: page.total, count: page.rows.length, ...(nextCursor && { nextCursor }), rows: page.rows });
}
