// An SDK Client connected to a server instance over InMemoryTransport (STYLE.md §12), with
// the two call helpers every tool test uses.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ServerInstance } from '../../src/mcp/runtime/run-server.js';

export interface InMemoryMcpClient {
  readonly client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Calls and returns structuredContent; fails the test on an isError result. */
  ok<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** Close the client, then dispose the server instance. */
  close(): Promise<void>;
}

export async function connectInMemory(instance: ServerInstance): Promise<InMemoryMcpClient> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test', version: '1.0.0' });
  await Promise.all([instance.server.connect(serverSide), client.connect(clientSide)]);
  const call = (name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
  return {
    client,
    call,
    async ok<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
      const r = await call(name, args);
      if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.content)}`);
      return r.structuredContent as T;
    },
    async close() {
      await client.close();
      await instance.dispose();
    },
  };
}
