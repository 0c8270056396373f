import { endpointListOutput, endpointListResult } from '../../runtime/endpoint-list.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { LOCAL_READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

/**
 * `p6_list_endpoints`: the P6 databases the model may name (issue 16). Answered by the host
 * from its config and unlock state; asks no one and contacts no P6 server.
 */
export function registerListEndpointsTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_endpoints',
    title: 'List P6 endpoints',
    description: 'List the Primavera P6 endpoints configured in KeyBroker: name (the endpoint argument of every other tool), host, read-only, and locked/unlocked. Call this first when you do not know the endpoint names.',
    inputSchema: {},
    outputSchema: endpointListOutput,
    // Security: never a secret; the host scopes the list to P6 endpoints.
    annotations: LOCAL_READ_ONLY,
    run: async () => endpointListResult(await deps.endpoints.list(), 'P6'),
  });
}
