import { z } from 'zod';

/**
 * The optional `endpoint` argument every tool takes (names come from `*_list_endpoints`);
 * `description` is the server's wording, pinned by users' tool pins (keep it byte-identical).
 */
export function optionalEndpointArg(description: string) {
  return z.string().min(1).max(64).optional().describe(description);
}

/** How a server words and bounds its paging arguments. */
export interface PagingArgsOptions {
  readonly defaultLimit: number;
  readonly maxLimit: number;
  readonly limitText: string;
  /** Longest cursor accepted. */
  readonly cursorMax: number;
  readonly cursorText: string;
}

/** `limit` and `cursor` of a list tool. */
export function pagingArgs(o: PagingArgsOptions) {
  return {
    limit: z.number().int().min(1).max(o.maxLimit).default(o.defaultLimit).describe(o.limitText),
    cursor: z.string().max(o.cursorMax).optional().describe(o.cursorText),
  };
}

/** `total` and `nextCursor`, the paging fields of every list tool's output, in the server's words. */
export function pageOutputFields(text: { readonly total: string; readonly nextCursor: string }) {
  return {
    total: z.number().int().describe(text.total),
    nextCursor: z.string().optional().describe(text.nextCursor),
  };
}
