import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { resultText } from '../../runtime/result-text.js';

/** The optional `endpoint` argument every tool takes. */
export const endpointArg = z
  .string()
  .min(1)
  .max(64)
  .optional()
  .describe('KeyBroker endpoint name of the vCenter (vsphere_list_endpoints lists them); may be left out when only one vSphere endpoint is configured');

/** `limit` of list tools: default 50, at most 500 (issue 5). */
export const limitArg = z.number().int().min(1).max(500).default(50).describe('Most items to return in this page (1-500, default 50)');

/** `cursor` of list tools. */
export const cursorArg = z.string().max(2048).optional().describe('Opaque nextCursor from the previous page of the same query; leave out for the first page');

/** The paging fields every list tool's output has. */
export const pageOutput = {
  total: z.number().int().describe('How many items match the filters in all pages'),
  nextCursor: z.string().optional().describe('Pass as cursor to get the next page; absent on the last page'),
};

/** Reads inventory only; safe to repeat. vCenter is an external system, hence openWorld. */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

/** Changes state and may lose work (power off, revert, delete): the gateway asks first. */
export const DESTRUCTIVE: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };

/** Adds something without destroying anything (a new snapshot). */
export const ADDITIVE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };

/** A tool answer: structured content, and a text block with the summary line, the cursor and the same data as JSON (resultText). */
export function toolResult(structured: Record<string, unknown>, text: string): CallToolResult {
  return { structuredContent: structured, content: [{ type: 'text', text: resultText(text, structured) }] };
}

/** A number from a converted vim25 value (nested scalars arrive as strings). */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A string, or undefined for anything else (an unset property). */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Drops undefined fields, so structuredContent matches optional output fields exactly. */
export function compact<T extends Record<string, unknown>>(row: T): T {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as T;
}
