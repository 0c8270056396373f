import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_MCP_LINE_BYTES } from '../../base/contracts/gateway-handshake.js';
import type { Config } from '../../base/contracts/config.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { AuditSink } from '../ports/audit-sink.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { GatewaySessions } from '../gateway/gateway-sessions.js';
import { apiKeyDigest, apiKeyMatches } from './api-key.js';
import { applyCorsHeaders, applyPreflightHeaders, MCP_HTTP_METHODS } from './cors-headers.js';
import { HttpPortInUseError } from './http-errors.js';
import { auditRejection, writeRejection, type HttpRejectionReason } from './http-rejection.js';
import { DEFAULT_SESSION_IDLE_MS, HttpSessionRouter } from './http-session-router.js';
import { RateLimiter } from './rate-limiter.js';
import { readBody } from './read-body.js';
import { RefusalCoalescer } from './refusal-coalescer.js';
import { auditStall } from './stalled-responses.js';
import { UnauthBudget } from './unauth-budget.js';
import { checkOrigin, isAllowedHost, presentedApiKey, serverFromPath } from './request-checks.js';

/** The front door's settings: `config.http`. */
export type HttpSettings = Config['http'];

/** How to run an HttpFrontDoor. */
export interface HttpFrontDoorOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one (tests). */
  readonly port: number;
  readonly settings: HttpSettings;
  /** The API key as the host loaded it from the keychain; undefined refuses everyone. Read per request. */
  readonly apiKey: () => string | undefined;
  readonly sessions: GatewaySessions;
  readonly audit: AuditSink;
  /** Epoch ms for the rate limiter; tests pass a hand-driven clock. */
  readonly now?: () => number;
  /** Largest POST body; default 4 MiB, the same bound as one MCP line on the gateway socket. */
  readonly maxBodyBytes?: number;
  /** Most concurrent MCP sessions; default 64. At the cap the least recently used idle one is closed. */
  readonly maxSessions?: number;
  /** A session with no open request for this long is closed; default 30 minutes. */
  readonly sessionIdleMs?: number;
  /**
   * Time for session idleness and refusal coalescing; tests pass a ManualClock, which then also
   * times stalled responses and keep-alives (monotonic time otherwise, D277).
   */
  readonly clock?: Clock;
  /** Refusals before authentication a minute, per remote address and overall; then a bare 429. */
  readonly unauthPerMinute?: { readonly perSource: number; readonly overall: number };
  /** The interval of coalesced refusal records; default 60 s. */
  readonly refusalIntervalMs?: number;
  /** Something failed that no client should see (an audit write, a transport error). */
  readonly onInternalError?: (error: unknown) => void;
  /** Open TCP connections at most; more are closed as they arrive. Default MAX_HTTP_CONNECTIONS. */
  readonly maxConnections?: number;
  /** A request's headers must have arrived within this; default HEADERS_TIMEOUT_MS. */
  readonly headersTimeoutMs?: number;
}

/**
 * Open connections at most: four per session of the default cap, and far below the file
 * descriptors a host has. Past it a connection is closed as it arrives.
 */
export const MAX_HTTP_CONNECTIONS = 256;

/** A request's headers must have arrived within this (loopback clients send them at once). */
export const HEADERS_TIMEOUT_MS = 10_000;

/** A whole request (headers and body, at most 4 MiB on loopback) must have arrived within this. */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Streamable HTTP on 127.0.0.1 at `/mcp/<server>` (DESIGN.md "Gateway", issue 4 item 5).
 * At most `maxConnections` connections, each with `headersTimeoutMs` to send its headers.
 * Checks run in this order, each refusal audited as `gateway.rejected`: Host (403),
 * Origin (403), API key (401), rate limit (429), server (404); then the MCP session.
 *
 * Refusals before authentication, and rate-limited requests, are what a web page can
 * produce by the million: they are coalesced (RefusalCoalescer) into about one record per
 * reason and source per minute, and past a per-address and an overall budget
 * (UnauthBudget) answered with a bare 429 (issue 10 item 4).
 */
export class HttpFrontDoor implements Disposable {
  private settings: HttpSettings;
  private limiter: RateLimiter;
  private readonly router: HttpSessionRouter;
  private readonly unauth: UnauthBudget;
  private readonly refusals: RefusalCoalescer;
  private closing: Promise<void> | undefined;
  private boundPort = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly options: HttpFrontDoorOptions,
  ) {
    this.settings = options.settings;
    this.limiter = new RateLimiter(options.settings.rateLimitPerMinute, options.now);
    const clock = options.clock ?? systemClock;
    this.unauth = new UnauthBudget(options.unauthPerMinute?.perSource, options.unauthPerMinute?.overall, options.now ?? (() => clock.now()));
    this.refusals = new RefusalCoalescer({ audit: options.audit, clock, intervalMs: options.refusalIntervalMs, onError: (e) => this.internalError(e) });
    this.router = new HttpSessionRouter({
      sessions: options.sessions,
      maxSessions: options.maxSessions ?? 64,
      idleMs: options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
      clock,
      onStalled: (server, client) => {
        try {
          auditStall(options.audit, server, client);
        } catch (e) {
          this.internalError(e);
        }
      },
      reject: (res, reason, server, detail) => this.reject(res, reason, server, detail),
      onInternalError: (e) => this.internalError(e),
    });
  }

  /** Listen on 127.0.0.1:`port`. Rejects with HttpPortInUseError when the port is taken. */
  static async listen(options: HttpFrontDoorOptions): Promise<HttpFrontDoor> {
    // Security: the door is the one surface every local user (and every web page) can reach,
    // so connections are bounded in number and in how long they may take to send a request
    // (slowloris): a peer that opens thousands, or trickles headers, cannot exhaust the
    // host's file descriptors or memory (R9-attack, D170). Node checks the
    // timeouts every `connectionsCheckingInterval`, so that is a fraction of the shortest.
    const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
    const server = http.createServer({ headersTimeout, requestTimeout: Math.max(REQUEST_TIMEOUT_MS, headersTimeout), connectionsCheckingInterval: Math.max(50, Math.floor(headersTimeout / 4)) });
    server.maxConnections = options.maxConnections ?? MAX_HTTP_CONNECTIONS;
    const door = new HttpFrontDoor(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void door.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException): void => reject(e.code === 'EADDRINUSE' ? new HttpPortInUseError(options.port, { cause: e }) : e);
      server.once('error', onError);
      // Security: loopback only, never 0.0.0.0 or `::`: nothing off this machine may reach the door.
      server.listen({ host: '127.0.0.1', port: options.port, exclusive: true }, () => {
        server.off('error', onError);
        // Kept, not read from address() each time: that is null once the server has closed.
        door.boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
    server.on('error', (e) => door.internalError(e));
    return door;
  }

  /** The port actually listened on (the free one picked for port 0). */
  get port(): number {
    return this.boundPort;
  }

  /** `http://127.0.0.1:PORT`; a server's endpoint is `${url}/mcp/<server>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Open MCP sessions; tests use it to check that nothing leaked. */
  get sessionCount(): number {
    return this.router.size;
  }

  /**
   * Apply changed CORS, header or rate settings at once, and close the sessions of a key
   * that is no longer `apiKey()` (a rotation). A port change needs close() and listen().
   */
  reconfigure(settings: HttpSettings): Promise<void> {
    if (settings.rateLimitPerMinute !== this.settings.rateLimitPerMinute) this.limiter = new RateLimiter(settings.rateLimitPerMinute, this.options.now);
    this.settings = settings;
    const key = this.options.apiKey();
    return this.router.retainCaller(key === undefined ? undefined : apiKeyDigest(key).toString('hex'));
  }

  /** Refuse new requests, close every session, stop listening. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // Synchronously, while the audit log is certainly still open.
      this.refusals.dispose();
      const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
      await this.router.closeAll();
      this.router.dispose();
      // Idle keep-alive sockets would hold close() open; sessions' SSE streams are already ended.
      this.server.closeAllConnections();
      await stopped;
    })();
    return this.closing;
  }

  /** Same as close(), for owners that dispose synchronously. */
  dispose(): void {
    void this.close();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (e) {
      this.internalError(e);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error; see the KeyBroker log' }, id: null }));
      } else res.destroy();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Port-independent: every connection of one address is one source.
    const source = req.socket.remoteAddress ?? 'unknown';
    if (this.closing) return this.refuse(res, source, 'shutting_down');
    res.setHeader('Vary', 'Origin');
    // (a) Security: DNS rebinding; see isAllowedHost.
    const host = req.headers.host;
    if (!isAllowedHost(host, this.port)) return this.refuse(res, source, 'bad_host', `Host ${host ?? '(none)'}`);
    // (b) Security: only allow-listed browser origins; the null Origin never.
    const origin = checkOrigin(req.headers.origin, this.settings.corsOrigins);
    if (!origin.ok) return this.refuse(res, source, origin.reason, `Origin ${req.headers.origin ?? ''}`);
    if (origin.allowOrigin !== undefined) applyCorsHeaders(res, origin.allowOrigin);
    if (req.method === 'OPTIONS') {
      // Browsers send preflights without credentials, so they are answered before the key check.
      if (origin.allowOrigin !== undefined) applyPreflightHeaders(res, this.settings.apiKeyHeader);
      res.writeHead(204, { Allow: MCP_HTTP_METHODS });
      res.end();
      return;
    }
    // (c) Security: constant-time key check (apiKeyMatches); the key is never logged or echoed.
    const expected = this.options.apiKey();
    if (expected === undefined) return this.refuse(res, source, 'key_not_configured');
    const presented = presentedApiKey(req.headers, this.settings.apiKeyHeader);
    if (presented === undefined) return this.refuse(res, source, 'no_api_key');
    if (!apiKeyMatches(presented, expected)) return this.refuse(res, source, 'bad_api_key');
    const caller = apiKeyDigest(expected).toString('hex');
    // (d) Security: a leaked key, or a runaway client, cannot flood the children.
    const rate = this.limiter.take(caller);
    if (!rate.ok) {
      // Coalesced too: a runaway client with the key must not flood the audit either.
      this.refusals.record('rate_limited', source);
      return writeRejection(res, 'rate_limited', { 'Retry-After': String(rate.retryAfterSeconds) });
    }
    // (e) Only after authentication, so an anonymous caller cannot probe which servers exist.
    const server = serverFromPath(req.url);
    if (server === undefined || !this.options.sessions.servers().includes(server)) return this.reject(res, 'unknown_server', server);
    if (req.method !== 'POST' && req.method !== 'GET' && req.method !== 'DELETE') return this.reject(res, 'method_not_allowed', server);
    let body: unknown;
    if (req.method === 'POST') {
      const read = await readBody(req, this.options.maxBodyBytes ?? MAX_MCP_LINE_BYTES);
      // The rest of an oversized body is never read; closing the connection discards it.
      if (!read.ok) return this.reject(res, 'body_too_large', server, undefined, { Connection: 'close' });
      try {
        body = JSON.parse(read.bytes.toString('utf8'));
      } catch {
        return this.reject(res, 'bad_json', server);
      }
      // Security: a JSON-RPC batch is as many messages as it holds; one POST of 100 calls must
      // not pass the rate limit as one request (R9-attack, D171).
      if (Array.isArray(body) && body.length > 1) {
        const more = this.limiter.take(caller, body.length - 1);
        if (!more.ok) {
          this.refusals.record('rate_limited', source);
          return writeRejection(res, 'rate_limited', { 'Retry-After': String(more.retryAfterSeconds) });
        }
      }
    }
    await this.router.handle(req, res, server, caller, body);
  }

  /**
   * Refuse a request that failed before authentication: coalesced into the audit, and once
   * `source` (or everyone) is over the unauthenticated budget, a bare 429 instead.
   *
   * Security: issue 10 item 4; one record per reason and source per interval, never one
   * per request, so a flood cannot rotate real history out of the audit.
   */
  private refuse(res: ServerResponse, source: string, reason: HttpRejectionReason, detail?: string): void {
    const budget = this.unauth.take(source);
    if (!budget.ok) {
      this.refusals.record('unauth_limited', source);
      return writeRejection(res, 'unauth_limited', { 'Retry-After': String(budget.retryAfterSeconds) });
    }
    this.refusals.record(reason, source, detail);
    writeRejection(res, reason);
  }

  private reject(res: ServerResponse, reason: HttpRejectionReason, server?: string, detail?: string, headers: Record<string, string> = {}): void {
    try {
      auditRejection(this.options.audit, reason, server, detail);
    } catch (e) {
      // The refusal stands even when the audit write fails; the failure is reported, not the request.
      this.internalError(e);
    }
    writeRejection(res, reason, headers);
  }

  private internalError(e: unknown): void {
    this.options.onInternalError?.(e);
  }
}
