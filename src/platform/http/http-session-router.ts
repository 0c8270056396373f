import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { Clock } from '../ports/clock.js';
import type { GatewaySession, GatewaySessions } from '../gateway/gateway-sessions.js';
import type { HttpRejectionReason } from './http-rejection.js';
import { sanitizeText } from '../../base/sanitize-text.js';
import { SseBackpressure } from './sse-backpressure.js';
import { StalledResponses } from './stalled-responses.js';

/** How long an HTTP session may sit without a request before it is closed: 30 minutes. */
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

/** What the router needs from the front door. */
export interface HttpSessionRouterDeps {
  readonly sessions: GatewaySessions;
  /** Open sessions (and sessions being opened) at most; more is refused with 503. */
  readonly maxSessions: number;
  /** A session with no request open for this long is closed (issue 10 item 5). */
  readonly idleMs: number;
  /** Time for idleness; tests pass test/mocks/manual-clock.ts. */
  readonly clock: Clock;
  /** A session was closed because its client read nothing of a full response (D277): audit it. */
  readonly onStalled: (server: string, client: string) => void;
  /** Answer and audit a refusal. */
  readonly reject: (res: ServerResponse, reason: HttpRejectionReason, server?: string, detail?: string) => void;
  readonly onInternalError: (error: unknown) => void;
}

interface Entry {
  readonly server: string;
  /** Hex SHA-256 of the API key that opened the session: the session belongs to that caller. */
  readonly caller: string;
  /** The client as its initialize named it, for the audit. */
  readonly client: string;
  readonly transport: StreamableHTTPServerTransport;
  readonly gateway: GatewaySession;
  /** Holds a request's progress while its response cannot take more (D261). */
  readonly sse: SseBackpressure;
  /** Clock time the last request on this session started or ended. */
  lastUsed: number;
  /** Requests whose response is still open (a long tool call, a GET event stream). */
  inFlight: number;
}

/** `initialize` as the client names itself, made safe for the audit log; `http-client` when it does not. */
function clientLabelOf(body: unknown): string {
  const messages = Array.isArray(body) ? body : [body];
  const init = messages.find((m) => isInitializeRequest(m));
  const name = init?.params.clientInfo.name ?? '';
  const clean = sanitizeText(name.trim(), { maxChars: 128 }).trim();
  return clean || 'http-client';
}

/**
 * Streamable HTTP sessions: `initialize` without a session id gets a fresh transport and a
 * gateway session; every later request goes to the transport its `Mcp-Session-Id` names,
 * and only if that session was opened on the same server path by the same caller.
 *
 * Sessions end on their own too (issue 10 item 5), so abandoned ones cannot lock the door:
 * one with no open request for `idleMs` is closed; at the cap, the least recently used idle
 * session makes room for a new one; and sessions opened with a key that is no longer the
 * current one are closed as soon as the door learns of the rotation.
 */
export class HttpSessionRouter implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private opening = 0;
  private sweepTimer: Disposable | undefined;
  private sweepDue = Infinity;
  /** Keep-alives on streams that can take them, and the end of responses nobody reads (D277). */
  private readonly stalls: StalledResponses;

  constructor(private readonly deps: HttpSessionRouterDeps) {
    this.stalls = new StalledResponses({ clock: deps.clock });
  }

  /** Sessions with an id right now; tests use it to check that nothing leaked. */
  get size(): number {
    return this.entries.size;
  }

  /** Serve one authenticated request for `server`. POST bodies arrive parsed. */
  async handle(req: IncomingMessage, res: ServerResponse, server: string, caller: string, body: unknown): Promise<void> {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId !== 'string') {
      // Only a POST has a body, so only a POST can be an initialize.
      const isInit = Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
      if (isInit) return this.open(req, res, server, caller, body);
      return this.deps.reject(res, 'session_required', server);
    }
    const entry = this.entries.get(sessionId);
    if (!entry) return this.deps.reject(res, 'unknown_session', server);
    // Security: a session is reachable only on the server path it was opened on, and only by
    // the key that opened it; a session id seen on /mcp/vsphere is worthless on /mcp/p6.
    if (entry.server !== server) return this.deps.reject(res, 'session_mismatch', server, `session opened on ${entry.server}`);
    if (entry.caller !== caller) return this.deps.reject(res, 'session_mismatch', server, 'session opened with another API key');
    this.track(entry, res);
    entry.sse.track(body, res);
    this.stalls.watch(res, () => this.stalled(sessionId, entry));
    await entry.transport.handleRequest(req, res, body);
  }

  /**
   * Close every session not opened with the key whose digest is `caller` (all of them when
   * undefined): after `keybroker http rotate-key`, or once no key is configured.
   *
   * Security: a rotated key ends the sessions it opened instead of leaving them usable
   * (and counted against the cap) until their client gives up.
   */
  async retainCaller(caller: string | undefined): Promise<void> {
    const stale = [...this.entries].filter(([, e]) => e.caller !== caller).map(([id]) => id);
    await Promise.all(stale.map((id) => this.forget(id)));
  }

  /** Close every session (host stopping). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.forget(id)));
    this.sweepTimer?.dispose();
    this.sweepTimer = undefined;
    this.stalls.dispose();
  }

  /** Stop the idle timer; closeAll() is what ends the sessions. */
  // Stryker disable next-line BlockStatement: equivalent; the door's close() runs closeAll() first, which stops both timers, and its sessions' responses close with it (E5-httpstall)
  dispose(): void {
    this.sweepTimer?.dispose();
    this.sweepTimer = undefined;
    this.sweepDue = Infinity;
    this.stalls.dispose();
  }

  private async open(req: IncomingMessage, res: ServerResponse, server: string, caller: string, body: unknown): Promise<void> {
    if (this.entries.size + this.opening >= this.deps.maxSessions) {
      // Security: abandoned sessions must not lock out a new client; the least recently used
      // idle one gives way. Sessions with a request open are busy and never evicted.
      const victim = this.leastRecentlyUsedIdle();
      if (victim === undefined) return this.deps.reject(res, 'too_many_sessions', server);
      await this.forget(victim);
      if (this.entries.size + this.opening >= this.deps.maxSessions) return this.deps.reject(res, 'too_many_sessions', server);
    }
    this.opening += 1;
    let gateway: GatewaySession | undefined;
    const sse = new SseBackpressure();
    const client = clientLabelOf(body);
    const transport = new StreamableHTTPServerTransport({
      // Security: unguessable ids (122 random bits); knowing one still needs the API key.
      sessionIdGenerator: () => randomUUID(),
      // Security: the SDK's keep-alive enqueues onto a stream whose client does not read; ours
      // (StalledResponses) skips a full one (D277).
      keepAliveMs: 0,
      // Runs while initialize is handled, before its answer is sent, so the client's next
      // request always finds the session registered.
      onsessioninitialized: (id) => {
        if (!gateway) return;
        const entry: Entry = { server, caller, client, transport, gateway, sse, lastUsed: this.deps.clock.now(), inFlight: 0 };
        // The initialize answer counts as a request, so the new session is not idle yet.
        this.track(entry, res);
        this.register(id, entry);
      },
      onsessionclosed: (id) => this.forget(id),
    });
    // Security: a child's progress for a client that does not read its SSE stream waits in the
    // gateway under D242's bound, not on the stream without one (D261).
    sse.install(transport);
    sse.track(body, res);
    try {
      try {
        gateway = await this.deps.sessions.openSession({ server, clientLabel: client, clientKey: caller, via: 'http', transport });
      } catch (e) {
        await transport.close().catch(this.deps.onInternalError);
        const code = (e as { code?: unknown })?.code;
        return this.deps.reject(res, 'session_failed', server, typeof code === 'string' ? code : undefined);
      }
      await transport.handleRequest(req, res, body);
    } finally {
      this.opening -= 1;
    }
    // initialize was refused (bad batch, wrong Accept header): nothing will ever use this session.
    const id = transport.sessionId;
    if (id === undefined || this.entries.get(id)?.transport !== transport) {
      await Promise.allSettled([gateway.close(), transport.close()]);
    }
  }

  /** Count `res` as open on `entry` until it closes; idleness starts when the last one does. */
  private track(entry: Entry, res: ServerResponse): void {
    entry.inFlight += 1;
    entry.lastUsed = this.deps.clock.now();
    res.once('close', () => {
      entry.inFlight -= 1;
      entry.lastUsed = this.deps.clock.now();
      if (entry.inFlight === 0) this.schedule();
    });
  }

  /**
   * A response of the session at `id` stayed full for the bound and was destroyed: close the
   * session as if its client had gone away (its calls are cancelled at their child), once.
   *
   * Security (D277): the whole session, not the one request: a cancel of id 0 or ""
   * is ignored by the SDK (D241), and a client that reads nothing of one response for minutes is
   * broken; the session is this door's unit, as the connection is the gateway socket's.
   */
  private stalled(id: string, entry: Entry): void {
    if (this.entries.get(id) !== entry) return;
    this.deps.onStalled(entry.server, entry.client);
    void this.forget(id);
  }

  private leastRecentlyUsedIdle(): string | undefined {
    let best: [string, Entry] | undefined;
    for (const pair of this.entries) if (pair[1].inFlight === 0 && (!best || pair[1].lastUsed < best[1].lastUsed)) best = pair;
    return best?.[0];
  }

  /** Arm the timer for the first idle session to expire, unless it is armed for then already. */
  private schedule(): void {
    let due = Infinity;
    for (const e of this.entries.values()) if (e.inFlight === 0) due = Math.min(due, e.lastUsed + this.deps.idleMs);
    if (due === this.sweepDue) return;
    this.sweepTimer?.dispose();
    this.sweepTimer = undefined;
    this.sweepDue = due;
    if (due === Infinity) return;
    this.sweepTimer = this.deps.clock.setTimer(Math.max(0, due - this.deps.clock.now()), () => {
      this.sweepTimer = undefined;
      this.sweepDue = Infinity;
      this.sweep();
    });
  }

  private sweep(): void {
    const now = this.deps.clock.now();
    for (const [id, e] of this.entries) {
      if (e.inFlight === 0 && now - e.lastUsed >= this.deps.idleMs) void this.forget(id);
    }
    this.schedule();
  }

  private register(id: string, entry: Entry): void {
    this.entries.set(id, entry);
    this.schedule();
    // The gateway may end the session itself (host stopping, server gone): drop the route too.
    entry.gateway.closed.then(
      () => this.forget(id),
      () => this.forget(id),
    );
  }

  private async forget(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.schedule();
    const results = await Promise.allSettled([entry.transport.close(), entry.gateway.close()]);
    for (const r of results) if (r.status === 'rejected') this.deps.onInternalError(r.reason);
  }
}
