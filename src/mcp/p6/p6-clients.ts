import { P6Client } from '../../connectors/p6/index.js';
import { createUpstreamDispatcher } from '../../connectors/tls/index.js';
import type { EndpointSummary, TokenGrant } from '../../base/contracts/token-protocol.js';
import { DisposableStore } from '../../base/lifecycle/disposable.js';
import { EndpointPool, type PooledConnection } from '../runtime/toolkit/index.js';
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

/** Options of {@link P6Clients}. */
export interface P6ClientsOptions {
  readonly defaultEndpoint?: string;
  readonly now?: () => number;
  /** Rows per P6 request when paging. */
  readonly batchSize?: number;
}

/** One endpoint's P6Client and the dispatcher under it. */
interface P6Connection extends PooledConnection {
  readonly client: P6Client;
}

/**
 * The P6 client factory: one P6Client per endpoint (the toolkit's endpoint pool), built from
 * the broker's grant (URL, pinned TLS, database) and backed by the token source for cookies
 * and renewal; it also notes when each session began, for p6_session_info. Tools ask here;
 * they never see tokens.
 */
export class P6Clients {
  private readonly pool: EndpointPool<P6Connection>;
  private readonly since = new Map<string, { token: string; at: number }>();
  private readonly store = new DisposableStore();

  constructor(tokens: TokenSource | undefined, private readonly options: P6ClientsOptions = {}) {
    if (tokens) this.store.add(tokens.onDidRevoke((endpoint) => this.since.delete(endpoint)));
    this.pool = new EndpointPool<P6Connection>({
      tokens: tokens && this.tracked(tokens),
      defaultEndpoint: options.defaultEndpoint,
      open: (name, grant, source) => this.open(name, grant, source),
      noEndpoint: () => new P6ToolError('P6_NO_ENDPOINT', 'no P6 endpoint chosen; pass the endpoint argument (p6_list_endpoints lists the names)'),
      noSource: () => new P6ToolError('P6_NO_SESSION', 'this P6 server has no session source; run it through KeyBroker, or with --stdio and P6_URL, P6_USER, P6_PASSWORD, P6_DATABASE set'),
    });
  }

  /**
   * A client for `endpoint`; asks the broker for a session first (which may prompt the user).
   * `signal` is the tool call's (`extra.signal`): its requests end when the call is cancelled
   * (P6Client.withSignal). Required, so no tool forgets it; a plan step passes undefined.
   */
  async client(endpoint: string | undefined, signal: AbortSignal | undefined): Promise<P6Client> {
    return (await this.pool.connection(endpoint, signal)).client.withSignal(signal);
  }

  /** Endpoint, user, database and session age; asks for a session like any tool would. */
  async sessionInfo(endpoint: string | undefined): Promise<P6SessionInfo> {
    const name = this.pool.name(endpoint);
    const grant = await this.pool.tokens().get(name);
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
    return this.pool.list();
  }

  /** The server's clock (epoch ms): `now` from the options, else Date.now. */
  now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Closes every connection and forgets the sessions. */
  async dispose(): Promise<void> {
    this.store.dispose();
    this.since.clear();
    await this.pool.dispose();
  }

  private open(name: string, grant: TokenGrant, tokens: TokenSource): P6Connection {
    const { url, fingerprintSha256, ca, database } = grant.upstream;
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256, ca });
    const client = new P6Client({
      baseUrl: url,
      dispatcher,
      database,
      batchSize: this.options.batchSize,
      session: {
        token: async (signal) => (await tokens.get(name, signal)).token,
        renew: async (stale, signal) => (await tokens.renew(name, stale, signal)).token,
      },
    });
    return { client, close: () => dispatcher.close() };
  }

  /** `tokens`, noting when each endpoint's session changed (for p6_session_info). */
  private tracked(tokens: TokenSource): TokenSource {
    const track = (name: string, grant: TokenGrant): TokenGrant => {
      // Security: only equality with the previous token is kept; it is never reported.
      if (this.since.get(name)?.token !== grant.token) this.since.set(name, { token: grant.token, at: this.now() });
      return grant;
    };
    return {
      get: async (name, signal) => track(name, await tokens.get(name, signal)),
      renew: async (name, stale, signal) => track(name, await tokens.renew(name, stale, signal)),
      onDidRevoke: tokens.onDidRevoke,
      listEndpoints: () => tokens.listEndpoints(),
    };
  }
}
