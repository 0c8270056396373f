import type { Dispatcher } from 'undici';
import { createUpstreamDispatcher, VapiClient, VsphereClient } from '../../connectors/vsphere/index.js';
import type { TokenSource } from '../runtime/token-source.js';
import { VsphereToolError } from './vsphere-tool-error.js';

/** What the tools need to reach a vCenter: a client per endpoint name. */
export interface VsphereClients {
  /** The client for `endpoint`, or for the default one when the argument is absent. */
  forEndpoint(endpoint: string | undefined): Promise<VsphereClient>;
  /** The vAPI REST client (tags) for `endpoint`; refuses when the broker holds no vAPI session for it. */
  vapiFor(endpoint: string | undefined): Promise<VapiClient>;
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
  readonly vapi: VapiClient;
  readonly dispatcher: Dispatcher;
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
    return (await this.entry(endpoint)).client;
  }

  async vapiFor(endpoint: string | undefined): Promise<VapiClient> {
    const { name, vapi } = await this.entry(endpoint);
    const grant = await this.options.tokens.get(name);
    if (grant.apiToken === undefined) {
      throw new VsphereToolError(`the broker holds no vAPI REST session for ${name} (the vCenter has no /rest service, or refused it), so tags cannot be read; tags need vCenter 6.5 or later`);
    }
    return vapi;
  }

  private async entry(endpoint: string | undefined): Promise<Entry & { name: string }> {
    const name = endpoint ?? this.options.defaultEndpoint;
    if (name === undefined) {
      throw new VsphereToolError('no vCenter endpoint given and none is the default; pass the endpoint argument (vsphere_list_endpoints lists the names)');
    }
    const { tokens } = this.options;
    const grant = await tokens.get(name);
    const key = JSON.stringify([grant.upstream.url, grant.upstream.fingerprintSha256 ?? '', grant.upstream.ca ?? '']);
    const existing = this.entries.get(name);
    if (existing?.key === key) return { ...existing, name };
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
    const vapi = new VapiClient({
      url: grant.upstream.url,
      dispatcher,
      timeoutMs: this.options.timeoutMs,
      session: {
        token: async () => {
          const t = (await tokens.get(name)).apiToken;
          if (t === undefined) throw new VsphereToolError(`the broker holds no vAPI REST session for ${name}; tags cannot be read`);
          return t;
        },
        // Security: the broker logs in again only if the vim25 token it holds is still this one.
        renew: async () => {
          const now = await tokens.get(name);
          const t = (await tokens.renew(name, now.token)).apiToken;
          if (t === undefined) throw new VsphereToolError(`the broker holds no vAPI REST session for ${name} after a new login; tags cannot be read`);
          return t;
        },
      },
    });
    const entry = { key, client, vapi, dispatcher };
    this.entries.set(name, entry);
    return { ...entry, name };
  }

  /** Closes every connection pool. */
  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.dispatcher.close().catch(() => undefined)));
  }
}
