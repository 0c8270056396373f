import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { serverInstructions } from '../runtime/endpoint-list.js';
import type { ServerInstance } from '../runtime/run-server.js';
import { ToolPlanner } from '../runtime/plan/tool-planner.js';
import type { TokenSource } from '../runtime/token-source.js';
import { P6Endpoints } from './p6-endpoints.js';
import { registerTools } from './tools/index.js';
import { p6ErrorText } from './tools/tool-kit.js';

/** What the P6 server is built from. */
export interface P6ServerDeps {
  /** Session tokens: the broker (TokenClient) or the standalone login. */
  tokens: TokenSource | undefined;
  /** Endpoint used when a call names none (standalone mode; under KeyBroker the gateway names it). */
  defaultEndpoint?: string;
  /** Rows per P6 request when paging; default 1000. */
  batchSize?: number;
  now?: () => number;
}

/** Composition root of the P6 MCP server (STYLE.md §5, §10). */
export function createServer(deps: P6ServerDeps): ServerInstance & { server: McpServer } {
  const server = new McpServer({ name: 'keybroker-p6', version: '0.1.0' }, { instructions: serverInstructions('p6', 'Primavera P6') });
  const endpoints = new P6Endpoints(deps.tokens, { defaultEndpoint: deps.defaultEndpoint, now: deps.now, batchSize: deps.batchSize });
  const planner = new ToolPlanner(server, { errorText: p6ErrorText });
  registerTools(server, { endpoints, planner });
  return { server, dispose: () => endpoints.dispose() };
}
