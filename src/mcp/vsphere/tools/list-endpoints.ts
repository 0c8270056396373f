import type { EndpointSummary } from '../../../base/contracts/token-protocol.js';
import { endpointListOutput, endpointListResult } from '../../runtime/endpoint-list.js';
import { LOCAL_READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

/**
 * `vsphere_list_endpoints`: the vCenters the model may name (issue 16). Answered by the host
 * from its config and unlock state; asks no one and contacts no vCenter.
 */
export function registerListEndpointsTool(tools: Toolkit, deps: { listEndpoints: () => Promise<EndpointSummary[]> }): void {
  tools.define({
    name: 'vsphere_list_endpoints',
    title: 'List vCenter endpoints',
    description: 'List the vCenter/ESXi endpoints configured in KeyBroker: name (the endpoint argument of every other tool), host, read-only, and locked/unlocked. Call this first when you do not know the endpoint names.',
    inputSchema: {},
    outputSchema: endpointListOutput,
    // Security: never a secret; the host scopes the list to vSphere endpoints.
    annotations: LOCAL_READ_ONLY,
    run: async () => endpointListResult(await deps.listEndpoints(), 'vCenter'),
  });
}
