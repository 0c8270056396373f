import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../../common/contracts/config.js';
import type { Endpoint } from '../../common/contracts/endpoint.js';
import type { EndpointKind } from '../../common/contracts/names.js';

/**
 * Whether a tool may change or destroy things. MCP's defaults apply when a hint is absent:
 * `readOnlyHint` defaults to false and `destructiveHint` to true, so an unannotated tool
 * counts as destructive. Security: we fail closed on missing annotations.
 */
export function isDestructive(tool: Pick<Tool, 'annotations'>): boolean {
  const a = tool.annotations;
  if (a?.readOnlyHint === true) return false;
  return a?.destructiveHint !== false;
}

/** A call waits for the user when the tool is destructive or named in `policy.approve`, whatever its annotations claim. */
export function needsApproval(tool: Pick<Tool, 'name' | 'annotations'>, config: Config): boolean {
  return isDestructive(tool) || config.policy.approve.includes(tool.name);
}

/** The endpoints a server of `kind` serves. */
export function endpointsOf(config: Config, kind: EndpointKind): Endpoint[] {
  return config.endpoints.filter((e) => e.kind === kind);
}

/**
 * What `tools/list` shows: destructive tools disappear when every endpoint the server can
 * reach is read-only (DESIGN.md "Gateway": read-only endpoints do not list them at all).
 */
export function visibleTools(tools: readonly Tool[], config: Config, kind: EndpointKind): Tool[] {
  const endpoints = endpointsOf(config, kind);
  const allReadOnly = endpoints.length > 0 && endpoints.every((e) => e.readOnly);
  return allReadOnly ? tools.filter((t) => !isDestructive(t)) : [...tools];
}

/** The endpoint a call targets: its `endpoint` argument, else the only endpoint of the kind. */
export function targetEndpoint(args: Record<string, unknown> | undefined, config: Config, kind: EndpointKind): Endpoint | undefined {
  const named = args?.['endpoint'];
  const endpoints = endpointsOf(config, kind);
  if (typeof named === 'string') return endpoints.find((e) => e.id === named);
  return endpoints.length === 1 ? endpoints[0] : undefined;
}
