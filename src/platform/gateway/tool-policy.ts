import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../../base/contracts/config.js';
import type { Endpoint } from '../../base/contracts/endpoint.js';
import type { EndpointKind } from '../../base/contracts/names.js';
import { toolListNames } from '../../base/policy/tool-list.js';

/**
 * Whether a tool may change the upstream: everything not annotated `readOnlyHint: true`
 * (MCP's default for a missing hint is false). `destructiveHint: false` (a new snapshot)
 * still changes things. Security: we fail closed on missing annotations (issue 11).
 */
export function changesUpstream(tool: Pick<Tool, 'annotations'>): boolean {
  return tool.annotations?.readOnlyHint !== true;
}

/**
 * A call to `server`'s tool waits for the user when the tool changes things and
 * `policy.allow` does not name it, or when `policy.approve` names it, whatever its
 * annotations claim (`approve` wins). Security: `allow` is matched with the server (a bare
 * name only for the built-in servers), so an extra server's same-named tool still asks.
 */
export function needsApproval(server: string, tool: Pick<Tool, 'name' | 'annotations'>, config: Config): boolean {
  if (toolListNames(config.policy.approve, server, tool.name, 'any')) return true;
  return changesUpstream(tool) && !toolListNames(config.policy.allow, server, tool.name, 'built-in');
}

/** The endpoints a server of `kind` serves. */
export function endpointsOf(config: Config, kind: EndpointKind): Endpoint[] {
  return config.endpoints.filter((e) => e.kind === kind);
}

/**
 * What `tools/list` shows: tools that change things disappear when every endpoint the server
 * can reach is read-only. When endpoints differ they stay listed, and a call must name a
 * read-write endpoint (DESIGN.md "Gateway").
 */
export function visibleTools(tools: readonly Tool[], config: Config, kind: EndpointKind): Tool[] {
  const endpoints = endpointsOf(config, kind);
  const allReadOnly = endpoints.length > 0 && endpoints.every((e) => e.readOnly);
  return allReadOnly ? tools.filter((t) => !changesUpstream(t)) : [...tools];
}

/** The endpoint a call targets: its `endpoint` argument, else the only endpoint of the kind. */
export function targetEndpoint(args: Record<string, unknown> | undefined, config: Config, kind: EndpointKind): Endpoint | undefined {
  const named = args?.['endpoint'];
  const endpoints = endpointsOf(config, kind);
  if (typeof named === 'string') return endpoints.find((e) => e.id === named);
  return endpoints.length === 1 ? endpoints[0] : undefined;
}
