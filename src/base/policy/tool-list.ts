import type { ToolListEntry } from '../contracts/config.js';
import { findKind } from '../kinds/registry.js';

/**
 * Whether `server` is a kind's own server (its name is the kind's id: the built-in ones, or a
 * kind registered in code). A bare tool name in `policy.allow` (the form before issue 14)
 * still means that tool of one of these servers; it never matches an extra configured server,
 * which could present any tool name it likes.
 */
export function isKindServer(server: string): boolean {
  return findKind(server) !== undefined;
}

/** `server/tool` or a bare `tool`, from any of the entry forms. */
export function parseToolListEntry(entry: ToolListEntry): { server?: string; tool: string } {
  if (typeof entry !== 'string') return { server: entry.server, tool: entry.tool };
  const slash = entry.indexOf('/');
  return slash > 0 ? { server: entry.slice(0, slash), tool: entry.slice(slash + 1) } : { tool: entry };
}

/**
 * Whether a `policy.allow` / `policy.approve` list names `tool` of `server`. Names are exact
 * (no globs; `policy.rules` has those). `bare` says what an entry without a server matches:
 * `built-in` only the built-in servers' tools (for `allow`: security, issue 14), `any` every
 * server's (for `approve`: matching more only makes more calls ask).
 */
export function toolListNames(entries: readonly ToolListEntry[], server: string, tool: string, bare: 'built-in' | 'any'): boolean {
  return entries.some((entry) => {
    const e = parseToolListEntry(entry);
    if (e.tool !== tool) return false;
    if (e.server !== undefined) return e.server === server;
    // Security: a bare name in `allow` never reaches a server that is not a kind's own.
    return bare === 'built-in' ? isKindServer(server) : true;
  });
}

/** How `keybroker policy list` shows an entry: `server/tool`, or the bare `tool`. */
export function describeToolListEntry(entry: ToolListEntry): string {
  const e = parseToolListEntry(entry);
  return e.server === undefined ? e.tool : `${e.server}/${e.tool}`;
}
