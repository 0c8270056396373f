import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { serverInstructions } from '../runtime/endpoint-list.js';
import type { ServerInstance } from '../runtime/run-server.js';
import { Toolkit, type ToolLog } from '../runtime/toolkit/index.js';
import type { TokenSource } from '../runtime/token-source.js';
import { P6Clients } from './p6-clients.js';
import { refuseElicitation } from '../runtime/refuse-elicitation.js';
import { registerTools } from './tools/index.js';
import { KEYBROKER_VERSION } from '../../base/version.js';

/** What the P6 server is built from. */
export interface P6ServerDeps {
  /** Session tokens: the broker (TokenClient) or the standalone login. */
  tokens: TokenSource | undefined;
  /** Endpoint used when a call names none (standalone mode; under KeyBroker the gateway names it). */
  defaultEndpoint?: string;
  /** Rows per P6 request when paging; default 5000 (the client's, P6Client). */
  batchSize?: number;
  now?: () => number;
  /** Where a tool's unexpected failure is logged in full; default stderr (the host's log). */
  log?: ToolLog;
}

/** Composition root of the P6 MCP server (STYLE.md §5, §10). */
export function createServer(deps: P6ServerDeps): ServerInstance & { server: McpServer } {
  // The SDK's Ajv is for checking elicitation answers; this server never elicits (runtime/refuse-elicitation.ts).
  const server = new McpServer({ name: 'keybroker-p6', version: KEYBROKER_VERSION }, { instructions: serverInstructions('p6', 'Primavera P6'), jsonSchemaValidator: refuseElicitation });
  const endpoints = new P6Clients(deps.tokens, { defaultEndpoint: deps.defaultEndpoint, now: deps.now, batchSize: deps.batchSize });
  const tools = new Toolkit(server, { name: 'p6', log: deps.log });
  registerTools(tools, { endpoints });
  return { server, dispose: () => endpoints.dispose() };
}
