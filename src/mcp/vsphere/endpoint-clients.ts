import { createHash } from 'node:crypto';
import { createUpstreamDispatcher, VsphereClient } from '../../connectors/vsphere/index.js';
import { VapiClient } from '../../connectors/vsphere/vapi/vapi-client.js';
import type { TokenGrant } from '../../base/contracts/token-protocol.js';
import { EndpointPool, type PooledConnection } from '../runtime/toolkit/index.js';
import type { TokenSource } from '../runtime/token-source.js';
import { KeptInventory, type VmInventoryReader } from './inventory/kept-inventory.js';
import { VsphereToolError } from './vsphere-tool-error.js';

/** What the tools need to reach a vCenter: a client per endpoint name. */
export interface VsphereClients {
  /**
   * The client for `endpoint`, or for the default one when the argument is absent. `signal`
   * is the tool call's (`extra.signal`): its requests end when the call is cancelled
   * (VsphereClient.withSignal, W7-vcancel). Required, so no tool forgets it; a plan step
   * passes what it has (undefined).
   */
  forEndpoint(endpoint: string | undefined, signal: AbortSignal | undefined): Promise<VsphereClient>;
  /**
   * A vAPI REST client (tags) for the same endpoint and session login (issue 16). `signal` is
   * the tool call's: a cancelled call stops waiting for the session (D186); its
   * requests take the signal through `batch`. Required, as for {@link forEndpoint}.
   */
  vapi(endpoint: string | undefined, signal: AbortSignal | undefined): Promise<VapiClient>;
  /**
   * The endpoint's kept VM inventory (issue 17), over the same client and session, as the
   * call with `signal` reads it: the call stops waiting when cancelled, the shared update goes
   * on for the others (KeptInventory.current).
   */
  inventory(endpoint: string | undefined, signal: AbortSignal | undefined): Promise<VmInventoryReader>;
}

/** Options of {@link createVsphereClients}. */
export interface VsphereClientsOptions {
  readonly tokens: TokenSource;
  /** Endpoint used when a call names none (standalone mode); under KeyBroker the gateway names it. */
  readonly defaultEndpoint?: string;
  /** Per-round-trip budget for the VsphereClient. */
  readonly timeoutMs?: number;
}

/** One endpoint's clients: vim25 and vAPI over one keep-alive dispatcher. */
interface VsphereConnection extends PooledConnection {
  readonly client: VsphereClient;
  readonly vapi: VapiClient;
  readonly inventory: KeptInventory;
}

/**
 * The vSphere client factory: a VsphereClient and a VapiClient for endpoint `name`, built from
 * its grant (URL, pin, CA) over one dispatcher. Sessions come from `tokens` on every call.
 */
function openVsphereConnection(name: string, grant: TokenGrant, tokens: TokenSource, timeoutMs: number | undefined): VsphereConnection {
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256: grant.upstream.fingerprintSha256, ca: grant.upstream.ca });
  const client = new VsphereClient({
    url: grant.upstream.url,
    dispatcher,
    timeoutMs,
    session: {
      token: async (signal) => (await tokens.get(name, signal)).token,
      renew: async (stale, signal) => (await tokens.renew(name, stale, signal)).token,
    },
  });
  const restToken = async (): Promise<string> => {
    const g = await tokens.get(name);
    // Not only an ESXi host: the login gives the vAPI login what its budget left (D167).
    if (!g.restToken) throw new VsphereToolError(`endpoint ${name} has no vAPI REST session, which tags need: an ESXi host has none, and a vCenter has none until the next login when its vAPI login failed or did not answer in time; to log in again, run 'keybroker lock ${name}' and call again`);
    return g.restToken;
  };
  const vapi = new VapiClient({
    url: grant.upstream.url,
    dispatcher,
    timeoutMs,
    session: {
      token: restToken,
      // Both sessions come from one login: renewing the vim25 one brings a fresh vAPI one.
      renew: async (stale) => {
        const g = await tokens.get(name);
        if (g.restToken && g.restToken !== stale) return g.restToken;
        const fresh = await tokens.renew(name, g.token);
        if (!fresh.restToken) throw new VsphereToolError(`endpoint ${name} has no vAPI REST session after logging in again`);
        return fresh.restToken;
      },
    },
  });
  const inventory = new KeptInventory(client, {
    // Which session the calls present, as a digest: the kept inventory is dropped when it changes.
    session: async () => createHash('sha256').update((await tokens.get(name)).token).digest('base64url'),
  });
  // A revoked session (the endpoint locked, the broker logged out) takes the kept inventory with it.
  const revoked = tokens.onDidRevoke((endpoint) => {
    if (endpoint === name) void inventory.drop();
  });
  return {
    client,
    vapi,
    inventory,
    close: async () => {
      revoked.dispose();
      // Its collector is destroyed over the dispatcher, so before the dispatcher closes.
      await inventory.dispose();
      await dispatcher.close();
    },
  };
}

/** The vSphere clients of a server: the toolkit's endpoint pool over {@link openVsphereConnection}. */
export function createVsphereClients(options: VsphereClientsOptions): VsphereClients & { dispose(): Promise<void> } {
  const pool = new EndpointPool<VsphereConnection>({
    tokens: options.tokens,
    defaultEndpoint: options.defaultEndpoint,
    open: (name, grant, tokens) => openVsphereConnection(name, grant, tokens, options.timeoutMs),
    noEndpoint: () => new VsphereToolError('no vCenter endpoint given and none is the default; pass the endpoint argument (vsphere_list_endpoints lists the names)'),
    noSource: () => new VsphereToolError('this vSphere server has no session source; run it through KeyBroker, or with --stdio and VSPHERE_* set'),
  });
  return {
    forEndpoint: async (endpoint, signal) => (await pool.connection(endpoint, signal)).client.withSignal(signal),
    vapi: async (endpoint, signal) => (await pool.connection(endpoint, signal)).vapi,
    inventory: async (endpoint, signal) => (await pool.connection(endpoint, signal)).inventory.forCall(signal),
    dispose: () => pool.dispose(),
  };
}
