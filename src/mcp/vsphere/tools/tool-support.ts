import { propertyText } from '../../../connectors/vsphere/index.js';
import { optionalEndpointArg, pageOutputFields, pagingArgs } from '../../runtime/toolkit/index.js';

// The vSphere wording of the toolkit's arguments: tool definitions are pinned by users, so
// these strings stay byte-identical.

/** The optional `endpoint` argument every tool takes. */
export const endpointArg = optionalEndpointArg(
  'KeyBroker endpoint name of the vCenter (vsphere_list_endpoints lists them); may be left out when only one vSphere endpoint is configured',
);

const paging = pagingArgs({
  defaultLimit: 50,
  maxLimit: 500,
  limitText: 'Most items to return in this page (1-500, default 50)',
  cursorMax: 2048,
  cursorText: 'Opaque nextCursor from the previous page of the same query; leave out for the first page',
});

/** `limit` of list tools: default 50, at most 500 (issue 5). */
export const limitArg = paging.limit;

/** `cursor` of list tools. */
export const cursorArg = paging.cursor;

/** The paging fields every list tool's output has. */
export const pageOutput = pageOutputFields({
  total: 'How many items match the filters in all pages',
  nextCursor: 'Pass as cursor to get the next page; absent on the last page',
});

/** A number from a converted vim25 value (nested scalars arrive as strings). */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A string, or undefined for anything else (an unset property): the connector's propertyText, under the tools' short name. */
export const str: (value: unknown) => string | undefined = propertyText;

/** Drops undefined fields, so structuredContent matches optional output fields exactly. */
export function compact<T extends Record<string, unknown>>(row: T): T {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as T;
}
