import { z } from 'zod';
import { checkP6CallQuery, resolveP6CallPath } from '../../../connectors/p6/index.js';
import { callPlan } from '../plan/call-plan.js';
import { recheckP6 } from '../plan/recheck-p6.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { endpointArg } from './tool-kit.js';
import { DESTRUCTIVE, type Toolkit, toolResult } from '../../runtime/toolkit/index.js';

/** The path and query guards of p6_call, against a stand-in base (before any I/O), then the real one. */
async function resolveCall(deps: P6ToolDeps, args: { path: string; query?: Record<string, string>; endpoint?: string }, signal: AbortSignal | undefined) {
  // Security: path and query are checked before any token request or network I/O, against
  // a stand-in base with the same path shape (a cloud tenant prefixes /p6ws/restapi) ...
  const prefix = /^((?:\/[A-Za-z0-9_-]+)*?\/p6ws\/restapi)\//.exec(args.path)?.[1] ?? '/p6ws/restapi';
  resolveP6CallPath(`https://p6.invalid${prefix}`, args.path);
  const query = checkP6CallQuery(args.query ?? {});
  const client = await deps.endpoints.client(args.endpoint, signal);
  // ... and again against the endpoint's real base, which must match exactly.
  const { segments } = resolveP6CallPath(client.baseUrl, args.path);
  return { client, segments, query };
}

/**
 * `p6_call`: the seed's generic proxy, with the host allow guard (resolveP6CallPath).
 *
 * Annotated destructive for every method: the gateway decides approval per tool from its
 * annotations, so one tool cannot be read-only for GET and destructive for PUT. Failing
 * closed means a GET through p6_call also asks; the dedicated read tools do not. Its plan
 * states the method, path and body, and for a PUT on a known resource the current values.
 */
export function registerCallTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_call',
    title: 'Call the P6 REST API',
    description:
      'Send one request to the P6 REST API of the endpoint (path under /p6ws/restapi, e.g. "activity"). Every call waits for the user\'s approval; prefer the p6_list_* tools for reads.',
    inputSchema: {
      method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).describe('HTTP method; POST creates, PUT updates, DELETE deletes'),
      path: z.string().min(1).max(512).describe('path under the REST base, e.g. "project" or "calendar/totalWorkHours"; no host, no query'),
      query: z.record(z.string(), z.string().max(8192)).optional().describe('query parameters, e.g. {"Fields":"ObjectId,Name","Filter":"Status:eq:\'Active\'"}'),
      body: z.array(z.record(z.string(), z.unknown())).max(1000).optional().describe('JSON array of objects for POST and PUT (PUT objects need ObjectId)'),
      endpoint: endpointArg,
    },
    outputSchema: {
      status: z.number().int().describe('HTTP status from P6'),
      value: z.unknown().describe('the JSON answer, or its text when P6 did not answer JSON'),
    },
    annotations: DESTRUCTIVE,
    plan: async (args) => {
      const { client, segments, query } = await resolveCall(deps, args, undefined);
      return callPlan(client, { method: args.method, segments, query, body: args.body });
    },
    recheck: async (args, precondition) => recheckP6((await resolveCall(deps, args, undefined)).client, precondition),
    run: async (args, extra) => {
      const { client, segments, query } = await resolveCall(deps, args, extra.signal);
      const reply = await client.send(args.method, segments, query, args.body === undefined ? undefined : JSON.stringify(args.body));
      const size = Array.isArray(reply.value) ? `${reply.value.length} items` : typeof reply.value;
      return toolResult(`${args.method} ${segments.join('/')}: HTTP ${reply.status}, ${size}`, { status: reply.status, value: reply.value });
    },
  });
}
