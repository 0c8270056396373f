import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ChannelTransport } from './channel-transport.js';
import { StandaloneEnvError } from './toolkit/standalone-tokens.js';
import { processHostChannel } from './host-channel.js';
import { TokenClient } from './token-client.js';
import type { TokenSource } from './token-source.js';

/** What a server module's composition root returns (STYLE.md §5). */
export interface ServerInstance {
  readonly server: McpServer | Server;
  dispose(): void | Promise<void>;
}

export interface RunServerOptions {
  /** `vsphere`, `p6`: for log lines and errors. */
  readonly name: string;
  readonly create: (deps: { tokens: TokenSource | undefined }) => ServerInstance;
  /**
   * Development mode: credentials from env, the server logs in itself. Absent = not supported.
   * Throws StandaloneEnvError when the environment lacks them (reported as one line, exit 2).
   */
  readonly standaloneTokens?: () => TokenSource;
}

/**
 * {@link startServer}, ending the process with one line on stderr when it cannot start:
 * exit 2 for a usage error (no KeyBroker and no `--stdio`, or `--stdio` without its
 * credentials), exit 1 for anything else. stdout carries protocol only.
 */
export async function runServer(options: RunServerOptions): Promise<void> {
  try {
    await startServer(options);
  } catch (error) {
    process.stderr.write(`${options.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof StandaloneEnvError ? 2 : 1);
  }
}

/**
 * Entry point of every MCP server child: under KeyBroker it speaks over the host channel
 * and gets tokens from the broker; with `--stdio` it runs standalone for development and
 * the direct-path benchmark. stdout carries protocol only; logs go to stderr (STYLE.md §10).
 */
export async function startServer(options: RunServerOptions): Promise<void> {
  const channel = processHostChannel();
  let transport: Transport;
  let tokens: TokenSource | undefined;
  if (channel) {
    tokens = new TokenClient(channel);
    transport = new ChannelTransport(channel);
  } else if (process.argv.includes('--stdio')) {
    tokens = options.standaloneTokens?.();
    transport = new StdioServerTransport();
  } else {
    process.stderr.write(`${options.name}: started outside KeyBroker; run it through KeyBroker, or with --stdio for development\n`);
    process.exit(2);
  }
  const instance = options.create({ tokens });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.resolve(instance.server.close()).catch(() => undefined);
    await Promise.resolve(instance.dispose()).catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  if (channel) {
    // Under KeyBroker the host decides when a child stops (SIGTERM, or closing the channel).
    // A terminal's Ctrl-C or hang-up reaches the whole foreground process group, children
    // included; exiting on it raced the host's own stop, so the exits were audited as
    // crashes and restarted (issue 10 item 6).
    process.on('SIGINT', () => undefined);
    process.on('SIGHUP', () => undefined);
  } else {
    process.on('SIGINT', () => void stop(0));
  }
  transport.onclose = () => void stop(0);
  await instance.server.connect(transport);
  // The SDK replaces onclose during connect; keep "host gone → exit" either way.
  channel?.onClose(() => void stop(0));
}
