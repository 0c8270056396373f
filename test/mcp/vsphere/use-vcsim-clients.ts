// The vcsim set-up of the tests that call the plans' read functions directly (no MCP server):
// a vcsim, an admin session beside it, a token source logged in to it and the endpoint clients
// a vSphere child builds on them. The MCP-server variant is use-vcsim-server.ts.
import { after, before } from 'node:test';
import type { ManagedObjectRef, VsphereClient } from '../../../src/connectors/vsphere/index.js';
import { createVsphereClients } from '../../../src/mcp/vsphere/endpoint-clients.js';
import { startVcsim, type Vcsim, type VcsimOptions } from '../../support/vcsim.js';
import { adminSession, type AdminSession } from './admin-session.js';
import { vcsimTokens, type VcsimTokens } from './vcsim-tokens.js';

/** What a plan-reads test works with; filled in by the suite's `before` hook. */
export interface VcsimClientsContext {
  vcsim: Vcsim;
  admin: AdminSession;
  tokens: VcsimTokens;
  clients: ReturnType<typeof createVsphereClients>;
  /** `clients.forEndpoint('vc')`: the SOAP client a tool of endpoint `vc` uses. */
  client: VsphereClient;
}

/**
 * Inside a `describe`: start a vcsim with `options`, an admin session, a token source and the
 * endpoint clients on it; dispose of all four after the suite.
 */
export function useVcsimClients(options: VcsimOptions): VcsimClientsContext {
  const ctx = {} as VcsimClientsContext;
  before(async () => {
    ctx.vcsim = await startVcsim(options);
    ctx.admin = await adminSession(ctx.vcsim);
    ctx.tokens = vcsimTokens(ctx.vcsim);
    ctx.clients = createVsphereClients({ tokens: ctx.tokens });
    ctx.client = await ctx.clients.forEndpoint('vc', undefined);
  });
  after(async () => {
    await ctx.clients?.dispose();
    await ctx.tokens?.close();
    await ctx.admin?.close();
    await ctx.vcsim?.stop();
  });
  return ctx;
}

/** The id of the root resource pool of the compute resource (cluster or standalone) `host` is in. */
export async function rootPoolOf(admin: AdminSession, host: string): Promise<string> {
  const parent = (await admin.props('HostSystem', host, ['parent']))['parent'] as ManagedObjectRef;
  const [cr] = await admin.client.retrieveObjects([parent], ['resourcePool']);
  return (cr?.props['resourcePool'] as ManagedObjectRef).value;
}
