import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { serverInstructions } from '../runtime/endpoint-list.js';
import { refuseElicitation } from '../runtime/refuse-elicitation.js';
import type { ServerInstance } from '../runtime/run-server.js';
import { stderrLog, Toolkit, type ToolLog } from '../runtime/toolkit/index.js';
import type { TokenSource } from '../runtime/token-source.js';
import { createVsphereClients } from './endpoint-clients.js';
import { RowSnapshots } from './inventory/row-snapshots.js';
import { registerTools } from './tools/index.js';
import { KEYBROKER_VERSION } from '../../base/version.js';

/** Dependencies of the vSphere server (STYLE.md §5: the composition root). */
export interface VsphereServerDeps {
  readonly tokens: TokenSource;
  /** Endpoint for calls that name none (standalone mode); under KeyBroker the gateway names it. */
  readonly defaultEndpoint?: string;
  /** Per SOAP round trip; default 60 s. */
  readonly timeoutMs?: number;
  /** How long power and snapshot tools wait for their Task; default 5 min. */
  readonly taskDeadlineMs?: number;
  /** Where a tool's unexpected failure is logged in full; default stderr (the host's log). */
  readonly log?: ToolLog;
}

/** Builds the vSphere MCP server: one VsphereClient per endpoint, sessions from `tokens`. */
export function createServer(deps: VsphereServerDeps): ServerInstance & { server: McpServer } {
  // The SDK's Ajv is for checking elicitation answers; this server never elicits (runtime/refuse-elicitation.ts).
  const server = new McpServer({ name: 'keybroker-vsphere', version: KEYBROKER_VERSION }, { capabilities: { tools: {} }, instructions: serverInstructions('vsphere', 'vSphere'), jsonSchemaValidator: refuseElicitation });
  const clients = createVsphereClients({ tokens: deps.tokens, defaultEndpoint: deps.defaultEndpoint, timeoutMs: deps.timeoutMs });
  const tools = new Toolkit(server, { name: 'vsphere', log: deps.log });
  const log = deps.log ?? stderrLog;
  registerTools(tools, {
    clients,
    taskDeadlineMs: deps.taskDeadlineMs ?? 300_000,
    snapshots: new RowSnapshots(),
    listEndpoints: () => deps.tokens.listEndpoints(),
    // One line: a connector error's code and message (never a secret, STYLE.md §8).
    onInventoryFallback: (error) => log(`vsphere: the kept inventory failed, reading afresh (${error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error)})`),
  });
  return { server, dispose: () => clients.dispose() };
}
