import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { serverInstructions } from '../runtime/endpoint-list.js';
import type { ServerInstance } from '../runtime/run-server.js';
import { ToolPlanner } from '../runtime/plan/tool-planner.js';
import type { TokenSource } from '../runtime/token-source.js';
import { EndpointClients } from './endpoint-clients.js';
import { RowSnapshots } from './inventory/row-snapshots.js';
import { registerTools } from './tools/index.js';

/** Dependencies of the vSphere server (STYLE.md §5: the composition root). */
export interface VsphereServerDeps {
  readonly tokens: TokenSource;
  /** Endpoint for calls that name none (standalone mode); under KeyBroker the gateway names it. */
  readonly defaultEndpoint?: string;
  /** Per SOAP round trip; default 60 s. */
  readonly timeoutMs?: number;
  /** How long power and snapshot tools wait for their Task; default 5 min. */
  readonly taskDeadlineMs?: number;
}

/** Builds the vSphere MCP server: one VsphereClient per endpoint, sessions from `tokens`. */
export function createServer(deps: VsphereServerDeps): ServerInstance & { server: McpServer } {
  const server = new McpServer({ name: 'keybroker-vsphere', version: '0.1.0' }, { capabilities: { tools: {} }, instructions: serverInstructions('vsphere', 'vSphere') });
  const clients = new EndpointClients({ tokens: deps.tokens, defaultEndpoint: deps.defaultEndpoint, timeoutMs: deps.timeoutMs });
  const planner = new ToolPlanner(server, { errorText: (e) => (e instanceof Error ? e.message : String(e)) });
  registerTools(server, { clients, taskDeadlineMs: deps.taskDeadlineMs ?? 300_000, snapshots: new RowSnapshots(), planner, listEndpoints: () => deps.tokens.listEndpoints() });
  return { server, dispose: () => clients.dispose() };
}
