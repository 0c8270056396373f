import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { GatewaySession, GatewaySessions } from '../gateway/gateway-sessions.js';
import type { HttpRejectionReason } from './http-rejection.js';

/** What the router needs from the front door. */
export interface HttpSessionRouterDeps {
  readonly sessions: GatewaySessions;
  /** Open sessions (and sessions being opened) at most; more is refused with 503. */
  readonly maxSessions: number;
  /** Answer and audit a refusal. */
  readonly reject: (res: ServerResponse, reason: HttpRejectionReason, server?: string, detail?: string) => void;
  readonly onInternalError: (error: unknown) => void;
}

interface Entry {
  readonly server: string;
  /** Hex SHA-256 of the API key that opened the session: the session belongs to that caller. */
  readonly caller: string;
  readonly transport: StreamableHTTPServerTransport;
  readonly gateway: GatewaySession;
}

/** `initialize` as the client names itself, made safe for the audit log; `http-client` when it does not. */
function clientLabelOf(body: unknown): string {
  const messages = Array.isArray(body) ? body : [body];
  const init = messages.find((m) => isInitializeRequest(m));
  const name = init?.params.clientInfo.name ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim().slice(0, 128);
  return clean || 'http-client';
}

/**
 * Streamable HTTP sessions: `initialize` without a session id gets a fresh transport and a
 * gateway session; every later request goes to the transport its `Mcp-Session-Id` names,
 * and only if that session was opened on the same server path by the same caller.
 */
export class HttpSessionRouter {
  private readonly entries = new Map<string, Entry>();
  private opening = 0;

  constructor(private readonly deps: HttpSessionRouterDeps) {}

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
    await entry.transport.handleRequest(req, res, body);
  }

  /** Close every session (host stopping). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.forget(id)));
  }

  private async open(req: IncomingMessage, res: ServerResponse, server: string, caller: string, body: unknown): Promise<void> {
    if (this.entries.size + this.opening >= this.deps.maxSessions) return this.deps.reject(res, 'too_many_sessions', server);
    this.opening += 1;
    let gateway: GatewaySession | undefined;
    const transport = new StreamableHTTPServerTransport({
      // Security: unguessable ids (122 random bits); knowing one still needs the API key.
      sessionIdGenerator: () => randomUUID(),
      // Runs while initialize is handled, before its answer is sent, so the client's next
      // request always finds the session registered.
      onsessioninitialized: (id) => {
        if (gateway) this.register(id, { server, caller, transport, gateway });
      },
      onsessionclosed: (id) => this.forget(id),
    });
    try {
      try {
        gateway = await this.deps.sessions.openSession({ server, clientLabel: clientLabelOf(body), via: 'http', transport });
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

  private register(id: string, entry: Entry): void {
    this.entries.set(id, entry);
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
    const results = await Promise.allSettled([entry.transport.close(), entry.gateway.close()]);
    for (const r of results) if (r.status === 'rejected') this.deps.onInternalError(r.reason);
  }
}
