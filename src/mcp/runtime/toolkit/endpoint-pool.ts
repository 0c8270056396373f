import type { EndpointSummary, TokenGrant } from '../../../base/contracts/token-protocol.js';
import type { TokenSource } from '../token-source.js';
import type { McpToolError } from './mcp-tool-error.js';

/** What the pool needs from one endpoint's connection: a way to close it. */
export interface PooledConnection {
  /** Closes the connection pool (keep-alive sockets) behind the clients. */
  close(): Promise<void>;
}

/** How a server builds its clients: the server's client factory plus its wording. */
export interface EndpointPoolOptions<C extends PooledConnection> {
  /** The session source; undefined when the server runs without one (then {@link noSource} is thrown on use). */
  readonly tokens: TokenSource | undefined;
  /**
   * Endpoint used when a call names none. Under KeyBroker the gateway fills in the endpoint
   * when there is exactly one, so the child needs none; standalone mode sets it.
   */
  readonly defaultEndpoint?: string;
  /** Builds the clients for endpoint `name` from its grant; sessions come from `tokens` on every call. */
  readonly open: (name: string, grant: TokenGrant, tokens: TokenSource) => C;
  /** The error for a call that names no endpoint when there is no default. */
  readonly noEndpoint: () => McpToolError;
  /** The error for a server started without a session source. */
  readonly noSource: () => McpToolError;
}

/** Which upstream settings a connection is built from: a change rebuilds it. */
function connectionKey(grant: TokenGrant): string {
  const { url, fingerprintSha256, ca, database } = grant.upstream;
  return JSON.stringify([url, fingerprintSha256 ?? '', ca ?? '', database ?? '']);
}

/**
 * The endpoint pool of an MCP server (issue 13 item 4): one connection per endpoint name,
 * built by the server's client factory from the broker's grant (URL, pin, CA, database) and
 * rebuilt when those settings change. Sessions come from the TokenSource on every call, so a
 * renewed or revoked token is picked up at once. Tools ask here; they never see tokens.
 * Disposing it (`await using`, or `dispose()`) closes every connection.
 */
export class EndpointPool<C extends PooledConnection> implements AsyncDisposable {
  private readonly entries = new Map<string, { key: string; connection: C }>();

  constructor(private readonly options: EndpointPoolOptions<C>) {}

  /** The endpoint a call targets: its argument, else the default. */
  name(endpoint: string | undefined): string {
    const name = endpoint ?? this.options.defaultEndpoint;
    if (name === undefined || name === '') throw this.options.noEndpoint();
    return name;
  }

  /** The session source; throws the server's error when it has none. */
  tokens(): TokenSource {
    if (!this.options.tokens) throw this.options.noSource();
    return this.options.tokens;
  }

  /**
   * The connection for `endpoint`; asks the broker for a session first (which may prompt the
   * user). `signal` is the tool call's: a cancelled call stops waiting for the session at once.
   */
  async connection(endpoint: string | undefined, signal?: AbortSignal): Promise<C> {
    const name = this.name(endpoint);
    const tokens = this.tokens();
    const grant = await tokens.get(name, signal);
    const key = connectionKey(grant);
    const existing = this.entries.get(name);
    if (existing?.key === key) return existing.connection;
    if (existing) void existing.connection.close().catch(() => undefined);
    const connection = this.options.open(name, grant, tokens);
    this.entries.set(name, { key, connection });
    return connection;
  }

  /** This server's endpoints with host, read-only and lock state, from the broker (`*_list_endpoints`). */
  async list(): Promise<EndpointSummary[]> {
    return this.tokens().listEndpoints();
  }

  /** Closes every connection. */
  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.connection.close().catch(() => undefined)));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
