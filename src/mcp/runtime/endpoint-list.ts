import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { EndpointSummary } from '../../base/contracts/token-protocol.js';
import { resultText } from './result-text.js';

/** Output schema of `vsphere_list_endpoints` and `p6_list_endpoints`. */
export const endpointListOutput = {
  endpoints: z.array(z.object({
    name: z.string().describe('Pass this as the endpoint argument of the other tools'),
    host: z.string().describe('Host (and port) of the system, to match what the user calls it'),
    readOnly: z.boolean().describe('true: tools that change anything are refused for this endpoint'),
    state: z.enum(['locked', 'unlocked', 'once']).describe('locked: the first call asks the user to approve access (wait for it); unlocked or once: calls run now'),
  })).describe('Every endpoint of this server, sorted by name'),
  total: z.number().int().describe('How many endpoints there are'),
};

/**
 * The answer of a `*_list_endpoints` tool (issue 16): what the model needs to choose an
 * endpoint, from the host's `endpoints.list` (names, hosts, read-only, lock state; never a
 * secret). `what` names the system in the summary line, e.g. "vCenter".
 */
export function endpointListResult(rows: readonly EndpointSummary[], what: string): CallToolResult {
  const endpoints = [...rows].sort((a, b) => a.name.localeCompare(b.name));
  const structured = { endpoints, total: endpoints.length };
  const summary = endpoints.length === 0
    ? `no ${what} endpoint is configured; ask the user to add one in KeyBroker`
    : endpoints.length === 1
      ? `1 ${what} endpoint (${endpoints[0]!.name}); the endpoint argument may be left out`
      : `${endpoints.length} ${what} endpoints; pass one as the endpoint argument (ask the user when unsure which)`;
  return { structuredContent: structured, content: [{ type: 'text', text: resultText(summary, structured) }] };
}

/**
 * MCP `instructions` (sent in `initialize`) telling the model how to choose an endpoint and
 * what locked, read-only and approvals mean. `prefix` is the tool prefix (`vsphere`, `p6`).
 */
export function serverInstructions(prefix: string, what: string): string {
  return [
    `KeyBroker ${what} server. Every tool takes an optional "endpoint" argument naming the ${what} system to use.`,
    `Call ${prefix}_list_endpoints first: with exactly one endpoint you may leave "endpoint" out; with several, pass the name whose host matches what the user refers to, and ask the user when unsure.`,
    'A locked endpoint still works: the first call waits while KeyBroker asks the user to approve access. Read-only endpoints refuse tools that change anything; every tool that changes something waits for the user\'s approval, and a denial is final for that call.',
    'List tools return a page; pass nextCursor unchanged as cursor for the next page. Each result\'s text holds a summary line and the full data as JSON.',
  ].join('\n');
}
