import { HostToChildBroker, type EndpointSummary, type TokenGrant } from '../../base/contracts/token-protocol.js';
import { Emitter } from '../../base/events/emitter.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import { SharedRead } from '../../base/lifecycle/shared-read.js';
import type { HostChannel } from './host-channel.js';
import { McpToolError } from './toolkit/mcp-tool-error.js';

/** The broker refused a token; `code` is the protocol's deny code. */
export class TokenDeniedError extends McpToolError {
  override readonly name = 'TokenDeniedError' as const;
}

/** The host answers `endpoints.request` from memory; no answer in this long means it is gone or too old. */
const LIST_TIMEOUT_MS = 10_000;

/** A token is treated as expired this long before `expiresAt`, so a call never starts on a dying one. */
const EXPIRY_SKEW_MS = 5_000;

/**
 * The child's side of the token protocol: asks the host for session tokens, caches each
 * until it expires or is revoked, and renews on NotAuthenticated/401 (DESIGN.md "Renewal").
 * Concurrent callers for one endpoint share one request; each stops waiting when its own
 * signal aborts, and the request is cancelled at the host (`token.cancel`) only when every
 * caller has gone, so one MCP session's cancelled call never withdraws another's prompt.
 */
export class TokenClient extends DisposableBase {
  private readonly grants = new Map<string, TokenGrant>();
  private readonly inflight = new Map<string, SharedRead<TokenGrant>>();
  private readonly waiting = new Map<string, { resolve: (g: TokenGrant) => void; reject: (e: Error) => void }>();
  private readonly listing = new Map<string, { resolve: (e: EndpointSummary[]) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 0;
  private readonly _onDidRevoke = this.register(new Emitter<string>());
  /** Fires with the endpoint name when the host withdraws its token (lock, expiry). */
  readonly onDidRevoke = this._onDidRevoke.event;

  constructor(private readonly channel: HostChannel, private readonly now: () => number = Date.now) {
    super();
    this.register(channel.onMessage((m) => this.receive(m)));
  }

  /**
   * A valid token for `endpoint`, from cache or from the host (which may prompt the user).
   * When `signal` aborts, this caller stops waiting at once (rejecting with its reason).
   */
  get(endpoint: string, signal?: AbortSignal): Promise<TokenGrant> {
    const cached = this.grants.get(endpoint);
    if (cached && cached.expiresAt - EXPIRY_SKEW_MS > this.now()) return Promise.resolve(cached);
    return this.ask(endpoint, undefined, signal);
  }

  /** The upstream rejected `stale`: get a fresh token (the host logs in again if still unlocked). */
  renew(endpoint: string, stale: string, signal?: AbortSignal): Promise<TokenGrant> {
    const cached = this.grants.get(endpoint);
    if (cached && cached.token !== stale) return Promise.resolve(cached); // Someone already renewed.
    this.grants.delete(endpoint);
    return this.ask(endpoint, stale, signal);
  }

  /** The endpoints of this server's kind with their lock state, from the host (never a secret). */
  listEndpoints(): Promise<EndpointSummary[]> {
    const id = `e${++this.nextId}`;
    return new Promise<EndpointSummary[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listing.delete(id);
        reject(new TokenDeniedError('unreachable', 'KeyBroker did not answer the endpoint list request; try again, or restart KeyBroker'));
      }, LIST_TIMEOUT_MS);
      this.listing.set(id, { resolve, reject, timer });
      this.channel.send({ ch: 'broker', t: 'endpoints.request', id });
    });
  }

  private ask(endpoint: string, stale: string | undefined, signal: AbortSignal | undefined): Promise<TokenGrant> {
    // A caller cancelled before asking sends nothing (and joins nothing it would then leave).
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const running = this.inflight.get(endpoint);
    // An abandoned request has been cancelled at the host; a new caller asks afresh.
    if (running && !running.abandoned) return running.join(signal);
    const id = `t${++this.nextId}`;
    const request = new SharedRead<TokenGrant>((abandoned) => new Promise<TokenGrant>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      abandoned.addEventListener('abort', () => {
        if (!this.waiting.delete(id)) return; // Answered meanwhile.
        // Every caller went: the host stops waiting too, and withdraws the prompt if nobody else waits.
        this.channel.send({ ch: 'broker', t: 'token.cancel', id });
        reject(abandoned.reason as Error);
      }, { once: true });
      this.channel.send(stale === undefined ? { ch: 'broker', t: 'token.request', id, endpoint } : { ch: 'broker', t: 'token.renew', id, endpoint, stale });
    }));
    const forget = () => {
      if (this.inflight.get(endpoint) === request) this.inflight.delete(endpoint);
    };
    request.done.then(forget, forget);
    this.inflight.set(endpoint, request);
    return request.join(signal);
  }

  private receive(message: unknown): void {
    if ((message as { ch?: unknown } | null)?.ch !== 'broker') return;
    const parsed = HostToChildBroker.safeParse(message);
    if (!parsed.success) return; // Only the host writes here; a bad frame is a host bug, never acted on.
    const frame = parsed.data;
    if (frame.t === 'token.revoke') {
      this.grants.delete(frame.endpoint);
      this._onDidRevoke.fire(frame.endpoint);
      return;
    }
    if (frame.t === 'endpoints.list') {
      const l = this.listing.get(frame.id);
      if (!l) return;
      this.listing.delete(frame.id);
      clearTimeout(l.timer);
      l.resolve(frame.endpoints);
      return;
    }
    const w = this.waiting.get(frame.id);
    if (!w) return;
    this.waiting.delete(frame.id);
    if (frame.t === 'token.grant') {
      this.grants.set(frame.endpoint, frame);
      w.resolve(frame);
    } else {
      w.reject(new TokenDeniedError(frame.code, frame.message));
    }
  }

  override dispose(): void {
    for (const w of this.waiting.values()) w.reject(new TokenDeniedError('locked', 'the server is shutting down'));
    this.waiting.clear();
    for (const l of this.listing.values()) {
      clearTimeout(l.timer);
      l.reject(new TokenDeniedError('locked', 'the server is shutting down'));
    }
    this.listing.clear();
    this.grants.clear();
    super.dispose();
  }
}
