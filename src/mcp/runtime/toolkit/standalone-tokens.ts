import type { TokenGrant } from '../../../base/contracts/token-protocol.js';
import { Emitter } from '../../../base/events/emitter.js';
import type { TokenSource } from '../token-source.js';
import { McpToolError } from './mcp-tool-error.js';

/** `--stdio` development mode was started without the credentials it needs in the environment. */
export class StandaloneEnvError extends McpToolError {
  override readonly name = 'StandaloneEnvError' as const;

  constructor(message: string) {
    super('MCP_STANDALONE_ENV', message);
  }
}

/**
 * The variables `names` from `env`, or a {@link StandaloneEnvError} naming every missing one
 * (`hint` is appended: optional variables, what they are for). Never exits: the entry point
 * (runServer) reports the error as one line and exits 2.
 */
export function requireEnv<N extends string>(env: NodeJS.ProcessEnv, names: readonly N[], hint = ''): Record<N, string> {
  const missing = names.filter((n) => !env[n]);
  if (missing.length) throw new StandaloneEnvError(`--stdio needs ${missing.join(', ')} in the environment${hint}`);
  return Object.fromEntries(names.map((n) => [n, env[n]!])) as Record<N, string>;
}

/** A session the standalone login made. */
export interface StandaloneSession {
  readonly token: string;
  readonly restToken?: string;
}

/** How one kind logs in by itself in development mode. */
export interface StandaloneTokensOptions {
  /** The endpoint name this mode answers to, and lists. */
  readonly endpoint: string;
  /** Upstream settings of every grant (URL, pin, database, user; never the password). */
  readonly upstream: TokenGrant['upstream'];
  /** One login with the credentials from the environment. */
  readonly login: () => Promise<StandaloneSession>;
  /** Ends a session at dispose (vSphere); absent when sessions just idle out. */
  readonly logout?: (token: string) => Promise<void>;
  /** Closes the connection pool behind login and logout. */
  readonly close: () => Promise<void>;
  /** How long a session lasts; absent: until the upstream ends it (renewal handles that). */
  readonly sessionMs?: number;
  /**
   * The error for a call naming another endpoint; absent: every name maps to the one upstream
   * (the grant carries the name asked for).
   */
  readonly otherEndpoint?: () => McpToolError;
  /** Never log in again after a refused login (CONN_LOGIN_FAILED): every attempt counts toward a lockout (P6). */
  readonly rememberRefusal?: boolean;
  readonly now?: () => number;
}

/**
 * DEVELOPMENT MODE ONLY (`--stdio`): a TokenSource that logs in by itself with credentials
 * from the environment. Under KeyBroker the broker holds the password and the server never
 * sees it; here the process does, which is why this is not the product path. One login at a
 * time; a failed login is reported to its caller and not cached (unless refused and
 * {@link StandaloneTokensOptions.rememberRefusal}).
 */
export class StandaloneTokens implements TokenSource {
  private readonly revoke = new Emitter<string>();
  private current: TokenGrant | undefined;
  private inflight: Promise<TokenGrant> | undefined;
  private refused: Error | undefined;
  private seq = 0;
  readonly onDidRevoke = this.revoke.event;

  constructor(private readonly options: StandaloneTokensOptions) {}

  async get(endpoint: string): Promise<TokenGrant> {
    this.check(endpoint);
    if (this.inflight) return this.inflight;
    return this.current && this.current.expiresAt > this.now() ? this.current : this.login(endpoint);
  }

  async renew(endpoint: string, stale: string): Promise<TokenGrant> {
    this.check(endpoint);
    if (this.inflight) return this.inflight;
    // Someone already renewed.
    return this.current && this.current.token !== stale ? this.current : this.login(endpoint);
  }

  // One upstream from the environment; no consent in development mode, so never "locked".
  async listEndpoints() {
    return [{ name: this.options.endpoint, host: new URL(this.options.upstream.url).host, readOnly: false, state: 'unlocked' as const }];
  }

  /** Logs the session out (when the kind can) and closes the connection pool. */
  async dispose(): Promise<void> {
    const grant = this.current;
    this.current = undefined;
    if (grant && this.options.logout) await this.options.logout(grant.token).catch(() => undefined);
    this.revoke.dispose();
    await this.options.close();
  }

  private check(endpoint: string): void {
    if (this.options.otherEndpoint && endpoint !== this.options.endpoint) throw this.options.otherEndpoint();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private login(endpoint: string): Promise<TokenGrant> {
    if (this.refused) return Promise.reject(this.refused);
    const { sessionMs, upstream } = this.options;
    this.inflight ??= this.options
      .login()
      .then((s): TokenGrant => {
        const expiresAt = sessionMs === undefined ? Number.MAX_SAFE_INTEGER : this.now() + sessionMs;
        this.current = { ch: 'broker', t: 'token.grant', id: `s${++this.seq}`, endpoint, token: s.token, ...(s.restToken !== undefined && { restToken: s.restToken }), expiresAt, upstream };
        return this.current;
      })
      .catch((e: unknown) => {
        if (this.options.rememberRefusal && (e as { code?: unknown }).code === 'CONN_LOGIN_FAILED') this.refused = e as Error;
        throw e;
      })
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }
}
