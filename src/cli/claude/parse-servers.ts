import { EndpointKind } from '../../base/contracts/names.js';
import { usageError } from '../cli-error.js';

/**
 * The servers named by repeated `--server` options, deduplicated in order; every server
 * (one per endpoint kind) when none is given.
 */
export function parseServers(values: readonly string[] | undefined, usage: string): EndpointKind[] {
  if (!values || values.length === 0) return [...EndpointKind.options];
  const out: EndpointKind[] = [];
  for (const v of values) {
    const parsed = EndpointKind.safeParse(v);
    if (!parsed.success) throw usageError(`unknown server "${v}": expected ${EndpointKind.options.join(' or ')}; usage: ${usage}`);
    if (!out.includes(parsed.data)) out.push(parsed.data);
  }
  return out;
}
