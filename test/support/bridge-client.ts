import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { KEYBROKER_BIN } from './keybroker-cli.js';

/** An SDK Client speaking to `server` through a real `keybroker bridge` process, as Claude Desktop does. */
export async function bridgeClient(env: NodeJS.ProcessEnv, server: string, name = 'claude-ai'): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [KEYBROKER_BIN, 'bridge', server], env: env as Record<string, string>, stderr: 'pipe' });
  const client = new Client({ name, version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  return client;
}
