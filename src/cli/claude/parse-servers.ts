import { isKindId, kindIds, kindList, type EndpointKind } from '../../base/kinds/registry.js';
import { usageError } from '../cli-error.js';

/**
 * The servers named by repeated `--server` options, deduplicated in order; every server
 * (one per registered endpoint kind) when none is given.
 */
export function parseServers(values: readonly string[] | undefined, usage: string): EndpointKind[] {
  if (!values || values.length === 0) return kindIds() as EndpointKind[];
  const out: EndpointKind[] = [];
  for (const v of values) {
    if (!isKindId(v)) throw usageError(`unknown server "${v}": expected ${kindList()}; usage: ${usage}`);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}
