import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { KEYBROKER_BIN } from './keybroker-cli.js';

/** How to start the bridge. */
export interface BridgeClientOptions {
  /**
   * Start the bridge from a process of its own (a `sh` that waits for it), so that it counts as
   * another client than the bridges this test process starts directly (D200: the
   * gateway groups a bridge's session by the process that started it).
   */
  readonly ownParent?: boolean;
}

/** An SDK Client speaking to `server` through a real `keybroker bridge` process, as Claude Desktop does. */
export async function bridgeClient(env: NodeJS.ProcessEnv, server: string, name = 'claude-ai', options: BridgeClientOptions = {}): Promise<Client> {
  const bridge = [KEYBROKER_BIN, 'bridge', server];
  // `; exit $?` keeps the shell from exec'ing node in its place: the shell stays the bridge's parent.
  const launch = options.ownParent ? { command: '/bin/sh', args: ['-c', '"$0" "$@"; exit $?', process.execPath, ...bridge] } : { command: process.execPath, args: bridge };
  const transport = new StdioClientTransport({ ...launch, env: env as Record<string, string>, stderr: 'pipe' });
  const client = new Client({ name, version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  return client;
}
