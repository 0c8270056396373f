import type { Dispatcher } from 'undici';
import { P6Client } from '../../connectors/p6/index.js';
import { createUpstreamDispatcher } from '../../connectors/tls/index.js';
import type { EndpointSummary, TokenGrant } from '../../base/contracts/token-protocol.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import type { TokenSource } from '../runtime/token-source.js';
import { P6ToolError } from './p6-tool-error.js';

/** What p6_session_info reports: never the cookie. */
export interface P6SessionInfo {
  endpoint: string;
  url: string;
  user?: string;
  database?: string;
  /** When this server first saw the current session (epoch ms). */
  sessionSince: number;
  expiresAt: number;
}

interface Connection {
  key: string;
  client: P6Client;
  dispatcher: Dispatcher;
}

/**
 * One P6Client per endpoint, built from the broker's grant (URL, pinned TLS, database) and
 * backed by the token source for cookies and renewal. Tools ask here; they never see tokens.
 */
export class P6Endpoints extends DisposableBase {
  private readonly connections = new Map<string, Connection>();
  private readonly since = new Map<string, { token: string; at: number }>();

  constructor(
    private readonly tokens: TokenSource | undefined,
    private readonly options: { defaultEndpoint?: string; now?: () => number; batchSize?: number } = {},
  ) {
    super();
    if (tokens) this.register(tokens.onDidRevoke((endpoint) => this.since.delete(endpoint)));
  }

  /** The endpoint a call targets: its argument, else the default (the gateway fills it in). */
  name(endpoint: string | undefined): string {
    const name = endpoint ?? this.options.defaultEndpoint;
    if (!name) throw new P6ToolError('P6_NO_ENDPOINT', 'no P6 endpoint chosen; pass the endpoint argument (p6_list_endpoints lists the names)');
    return name;
  }

  /** A client for `endpoint`; asks the broker for a session first (which may prompt the user). */
  async client(endpoint: string | undefined): Promise<P6Client> {
    const name = this.name(endpoint);
    const grant = await this.grant(name);
    const { url, fingerprintSha256, ca, database } = grant.upstream;
    const key = JSON.stringify([url, fingerprintSha256, ca, database]);
    const existing = this.connections.get(name);
    if (existing?.key === key) return existing.client;
    if (existing) void existing.dispatcher.close();
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256, ca });
    const client = new P6Client({
      baseUrl: url,
      dispatcher,
      database,
      batchSize: this.options.batchSize,
      session: {
        token: async () => (await this.grant(name)).token,
        renew: async (stale) => (await this.track(name, await this.source().renew(name, stale))).token,
      },
    });
    this.connections.set(name, { key, client, dispatcher });
    return client;
  }

  /** Endpoint, user, database and session age; asks for a session like any tool would. */
  async sessionInfo(endpoint: string | undefined): Promise<P6SessionInfo> {
    const name = this.name(endpoint);
    const grant = await this.grant(name);
    return {
      endpoint: name,
      url: grant.upstream.url,
      ...(grant.upstream.username !== undefined && { user: grant.upstream.username }),
      ...(grant.upstream.database !== undefined && { database: grant.upstream.database }),
      sessionSince: this.since.get(name)?.at ?? this.now(),
      expiresAt: grant.expiresAt,
    };
  }

  /** The P6 endpoints with host, read-only and lock state, from the broker (p6_list_endpoints). */
  list(): Promise<EndpointSummary[]> {
    return this.source().listEndpoints();
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  private source(): TokenSource {
    if (!this.tokens) throw new P6ToolError('P6_NO_SESSION', 'this P6 server has no session source; run it through KeyBroker, or with --stdio and P6_URL, P6_USER, P6_PASSWORD, P6_DATABASE set');
    return this.tokens;
  }

  private async grant(name: string): Promise<TokenGrant> {
    return this.track(name, await this.source().get(name));
  }

  private track(name: string, grant: TokenGrant): TokenGrant {
    // Security: only equality with the previous token is kept; it is never reported.
    if (this.since.get(name)?.token !== grant.token) this.since.set(name, { token: grant.token, at: this.now() });
    return grant;
  }

  override dispose(): void {
    for (const c of this.connections.values()) void c.dispatcher.close();
    this.connections.clear();
    this.since.clear();
    super.dispose();
  }
}
