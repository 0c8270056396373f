import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { HostNotRunningError } from '../base/errors/host-not-running-error.js';
import { resolveHome } from '../platform/config/home.js';
import { hostLockHolder } from '../platform/control/host-lock-holder.js';
import { connectGateway } from '../platform/gateway/connect-gateway.js';
import { GatewayRefusedError } from '../platform/gateway/gateway-socket-errors.js';
import { gatewaySocketPath } from '../platform/gateway/gateway-socket-path.js';
import { usageError } from './cli-error.js';
import type { CliContext } from './command.js';
import { didYouMean } from './did-you-mean.js';
import { withHost } from './with-host.js';
import { KEYBROKER_VERSION } from '../base/version.js';

/**
 * An MCP client connected to `server` through the gateway, as any client connects (same
 * policy, approvals and audit). An unknown server name is a usage error (exit 2) that names
 * the nearest server the host runs.
 */
export async function openGatewayClient(ctx: CliContext, server: string, command: string): Promise<Client> {
  const home = resolveHome(ctx.env);
  let transport;
  const socketPath = gatewaySocketPath(home, ctx.env);
  try {
    transport = await connectGateway({ socketPath, server, client: 'keybroker-cli', ...(process.ppid > 1 && { parent: process.ppid }) });
  } catch (e) {
    // As the control client says it (D153): a host holding the home is not "not running".
    const holder = e instanceof HostNotRunningError && !e.holder ? hostLockHolder(home, socketPath) : undefined;
    if (holder) throw new HostNotRunningError({ cause: e, holder });
    if (e instanceof GatewayRefusedError && e.remoteCode === 'CORE_SERVER_NOT_FOUND') {
      const names = await withHost(ctx, async (c) => (await c.call('status')).children.map((s) => s.name)).catch(() => [] as string[]);
      const hint = didYouMean(server, names);
      throw usageError(`no server named "${server.slice(0, 64)}"${hint || (names.length ? `; the servers are ${names.join(', ')}` : "; see 'keybroker status'")}; usage: keybroker ${command}`);
    }
    throw e;
  }
  const client = new Client({ name: 'keybroker-cli', version: KEYBROKER_VERSION }, { capabilities: {} });
  await client.connect(transport);
  return client;
}

/** Every tool `client`'s server offers, following `nextCursor` to the end. */
export async function listAllTools(client: Client, signal?: AbortSignal): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor }, { signal });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}
