import type { Dispatcher } from 'undici';
import { createUpstreamDispatcher, VsphereClient } from '../../connectors/vsphere/index.js';
import { VapiClient } from '../../connectors/vsphere/vapi/vapi-client.js';
import type { TokenSource } from '../runtime/token-source.js';
import { VsphereToolError } from './vsphere-tool-error.js';

/** What the tools need to reach a vCenter: a client per endpoint name. */
export interface VsphereClients {
  /** The client for `endpoint`, or for the default one when the argument is absent. */
  forEndpoint(endpoint: string | undefined): Promise<VsphereClient>;
  /** A vAPI REST client (tags) for the same endpoint and session login (issue 16). */
  vapi(endpoint: string | undefined): Promise<VapiClient>;
}

/** Options of EndpointClients. */
export interface EndpointClientsOptions {
  readonly tokens: TokenSource;
  /**
   * Endpoint used when a call names none. Under KeyBroker the gateway fills in the
   * endpoint when there is exactly one, so the child needs none; standalone mode sets it.
   */
  readonly defaultEndpoint?: string;
  /** Per-round-trip budget for the VsphereClient. */
  readonly timeoutMs?: number;
}

interface Entry {
  readonly key: string;
  readonly client: VsphereClient;
  readonly dispatcher: Dispatcher;
  readonly vapi: VapiClient;
}

/**
 * One VsphereClient and keep-alive dispatcher per endpoint, built from the broker's grant
 * (URL, pin, CA) and rebuilt when the grant's upstream settings change. Sessions come from
 * the TokenSource on every call, so a renewed or revoked token is picked up at once.
 */
export class EndpointClients implements VsphereClients {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: EndpointClientsOptions) {}

  async forEndpoint(endpoint: string | undefined): Promise<VsphereClient> {
    const name = endpoint ?? this.options.defaultEndpoint;
    if (name === undefined) {
      throw new VsphereToolError('no vCenter endpoint given and none is the default; pass the endpoint argument (vsphere_list_endpoints lists the names)');
    }
    const { tokens } = this.options;
    const grant = await tokens.get(name);
    const key = JSON.stringify([grant.upstream.url, grant.upstream.fingerprintSha256 ?? '', grant.upstream.ca ?? '']);
    const existing = this.entries.get(name);
    if (existing?.key === key) return existing.client;
    if (existing) void existing.dispatcher.close().catch(() => undefined);
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: grant.upstream.fingerprintSha256, ca: grant.upstream.ca });
    const client = new VsphereClient({
      url: grant.upstream.url,
      dispatcher,
      timeoutMs: this.options.timeoutMs,
      session: {
        token: async () => (await tokens.get(name)).token,
        renew: async (stale) => (await tokens.renew(name, stale)).token,
      },
    });
    const restToken = async (): Promise<string> => {
      const g = await tokens.get(name);
      if (!g.restToken) throw new VsphereToolError(`endpoint ${name} has no vAPI REST session (tags need vCenter; an ESXi host has none)`);
      return g.restToken;
    };
    const vapi = new VapiClient({
      url: grant.upstream.url,
      dispatcher,
      timeoutMs: this.options.timeoutMs,
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
    this.entries.set(name, { key, client, dispatcher, vapi });
    return client;
  }

  async vapi(endpoint: string | undefined): Promise<VapiClient> {
    await this.forEndpoint(endpoint);
    return this.entries.get(endpoint ?? this.options.defaultEndpoint!)!.vapi;
  }

  /** Closes every connection pool. */
  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.dispatcher.close().catch(() => undefined)));
  }
}
