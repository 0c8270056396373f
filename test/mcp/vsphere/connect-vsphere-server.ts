// The vSphere server with an SDK Client over InMemoryTransport (STYLE.md §12).
import { createServer, type VsphereServerDeps } from '../../../src/mcp/vsphere/server.js';
import { connectInMemory, type InMemoryMcpClient } from '../../support/in-memory-mcp-client.js';

export type ConnectedServer = InMemoryMcpClient;

export function connectVsphereServer(deps: VsphereServerDeps): Promise<ConnectedServer> {
  return connectInMemory(createServer(deps));
}
