import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolRequest, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { APPROVED_META_KEY, type ChildPlan, type PlanResult } from '../../common/contracts/plan-protocol.js';
import type { Config } from '../../common/contracts/config.js';
import { DisposableBase } from '../../common/lifecycle/disposable.js';
import type { Approver } from '../broker/approver.js';
import type { AuditSink } from '../broker/audit-sink.js';
import type { Clock } from '../broker/clock.js';
import type { ChildProcessHandle } from '../supervisor/child-process-handle.js';
import type { ServerSpec } from '../supervisor/server-spec.js';
import { argsPreview } from './args-preview.js';
import { ChildConnection } from './child-connection.js';
import { ServerNotFoundError } from '../supervisor/server-not-found-error.js';
import type { FrontDoor, GatewaySession, GatewaySessions } from './gateway-sessions.js';
import { maskSecretArgs, maskSecretValues, secretArgNames, secretArgValues, withoutSecretValues } from './secret-args.js';
import { argNames, outcomeText, refusal, type ApprovalOutcome } from './tool-call.js';
import { changesUpstream, endpointsOf, needsApproval, targetEndpoint, visibleTools } from './tool-policy.js';

export interface GatewayDeps {
  readonly config: () => Config;
  readonly approver: Approver;
  readonly newApprovalId: () => string;
  readonly audit: AuditSink;
  readonly clock: Clock;
}

interface Session {
  readonly server: Server;
  readonly label: () => string;
  /** True once the client's connection closed (a disconnect, not a cancel). */
  readonly closed: () => boolean;
}

interface Entry {
  readonly spec: ServerSpec;
  connection?: ChildConnection;
  /** Resolves with the connection of the current child once it answered `initialize`. */
  ready: Promise<ChildConnection>;
  resolveReady: (c: ChildConnection) => void;
  isReady: boolean;
  readonly sessions: Set<Session>;
  /** Clients with a call in flight, oldest first: who a token request is on behalf of. */
  readonly callers: string[];
  started: number;
}

/** How long a call waits for a restarting child before it fails. */
const READY_WAIT_MS = 15_000;
/** How long a new session waits for a starting child's `instructions`; past it, it goes on without. */
const INSTRUCTIONS_WAIT_MS = 2_000;

/** `ready`'s value if it settles within `ms`, else undefined. */
async function readyWithin<T>(ready: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([ready, new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The MCP gateway (DESIGN.md "Gateway"): one SDK `Server` per client connection, routed to
 * the supervised child's single upstream `Client`; destructive calls held for approval;
 * every call audited with argument names only.
 */
export class Gateway extends DisposableBase implements GatewaySessions {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: GatewayDeps) {
    super();
  }

  /** Register a server before its first child starts, so clients can connect and wait. */
  addServer(spec: ServerSpec): void {
    let resolveReady!: (c: ChildConnection) => void;
    const ready = new Promise<ChildConnection>((r) => { resolveReady = r; });
    this.entries.set(spec.name, { spec, ready, resolveReady, isReady: false, sessions: new Set(), callers: [], started: 0 });
  }

  servers(): string[] {
    return [...this.entries.keys()];
  }

  /** The client on whose behalf `server` is working right now (for unlock prompts). */
  currentClient(server: string): string | undefined {
    return this.entries.get(server)?.callers.at(-1);
  }

  /**
   * A (re)started child: connect to it, and once it answers, tell every session its tool
   * list may have changed. Returns the sink for the child's `{ch:'mcp'}` frames.
   */
  attachChild(spec: ServerSpec, handle: ChildProcessHandle): (frame: unknown) => void {
    const entry = this.entries.get(spec.name);
    if (!entry) throw new ServerNotFoundError(spec.name);
    const connection = new ChildConnection(handle, (reason) => this.deps.audit.append({ event: 'frame.invalid', server: spec.name, pid: handle.pid, code: 'invalid', reason }));
    const restart = entry.started++ > 0;
    if (entry.connection) this.resetReady(entry);
    entry.connection = connection;
    // From the moment this child dies, new calls wait for its successor instead of failing.
    let exited = false;
    handle.onDidExit(() => {
      exited = true;
      if (entry.connection === connection) this.resetReady(entry);
    });
    connection.open().then(() => {
      if (entry.connection !== connection || exited) return;
      entry.isReady = true;
      entry.resolveReady(connection);
      if (restart) for (const s of entry.sessions) void s.server.sendToolListChanged().catch(() => undefined);
    }, () => undefined); // A child that dies before answering is restarted by the supervisor.
    return (frame) => connection.transport.receive(frame);
  }

  async openSession(options: { server: string; clientLabel: string; via: FrontDoor; transport: Transport }): Promise<GatewaySession> {
    const entry = this.entries.get(options.server);
    if (!entry) throw new ServerNotFoundError(options.server);
    // The child's instructions (issue 16) go out in initialize: wait briefly for a child that
    // is still starting, never long (a crash-looped server must not stall the client).
    const instructions = (await readyWithin(entry.ready, INSTRUCTIONS_WAIT_MS))?.instructions();
    const server = new Server({ name: `keybroker-${options.server}`, version: '0.1.0' }, { capabilities: { tools: { listChanged: true } }, ...(instructions ? { instructions } : {}) });
    let isClosed = false;
    const session: Session = { server, label: () => server.getClientVersion()?.name ?? options.clientLabel, closed: () => isClosed };
    // Security: the MCP lifecycle comes first (issue 10 item 9). A raw socket client that
    // skips `initialize` gets no tool list and runs no tool; the SDK's Server does not check.
    const requireInitialized = (method: string): void => {
      if (server.getClientVersion() !== undefined) return;
      this.deps.audit.append({ event: 'gateway.rejected', server: options.server, client: options.clientLabel, code: 'not-initialized', reason: `${method} before initialize` });
      throw new McpError(ErrorCode.InvalidRequest, `${method} before initialize; start the MCP session with initialize first`);
    };
    server.setRequestHandler(ListToolsRequestSchema, async () => {
      requireInitialized('tools/list');
      const connection = await this.whenReady(entry);
      return { tools: visibleTools(connection.listTools(), this.deps.config(), entry.spec.kind) };
    });
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
      requireInitialized('tools/call');
      return this.call(entry, session, request, extra);
    });
    const closed = new Promise<void>((resolve) => { server.onclose = () => { isClosed = true; entry.sessions.delete(session); resolve(); }; });
    entry.sessions.add(session);
    await server.connect(options.transport);
    return { server: options.server, closed, close: () => server.close() };
  }

  private resetReady(entry: Entry): void {
    if (!entry.isReady) return;
    entry.isReady = false;
    entry.ready = new Promise<ChildConnection>((r) => { entry.resolveReady = r; });
  }

  private async whenReady(entry: Entry): Promise<ChildConnection> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new McpError(ErrorCode.InternalError, `the ${entry.spec.name} server is not running; see 'keybroker status'`)), READY_WAIT_MS);
    });
    try {
      return await Promise.race([entry.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async call(entry: Entry, session: Session, request: CallToolRequest, extra: { signal: AbortSignal; sendNotification: (n: never) => Promise<void> }): Promise<CallToolResult> {
    const { clock, audit } = this.deps;
    const started = clock.now();
    // Security: only `name` and `arguments` of the client's request are used; its `_meta`
    // (where a client could forge "keybroker/approved") is never forwarded to the child.
    const { name, arguments: args } = request.params;
    const client = session.label();
    const base = { server: entry.spec.name, tool: name, client, argNames: argNames(args) };
    const connection = await this.whenReady(entry);
    const tool = connection.findTool(name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${name}; list the tools first`);
    const config = this.deps.config();
    const endpoint = targetEndpoint(args, config, entry.spec.kind);
    const secrets = secretArgNames(tool);
    let plan: ChildPlan | undefined;
    const finish = (outcome: 'ok' | 'failed' | 'denied' | 'cancelled' | 'timeout', result: CallToolResult, reason?: string) => {
      const values = secretArgValues(args, secrets);
      const target = plan && {
        objects: plan.objects.map((o) => withoutSecretValues(o, values)),
        planSummary: withoutSecretValues(plan.summary, values),
        planHash: plan.hash,
      };
      audit.append({ event: 'tool.called', ...base, endpoint: endpoint?.id, ...target, outcome, reason, durationMs: clock.now() - started });
      return result;
    };
    if (typeof args?.['endpoint'] === 'string' && !endpoint) return finish('failed', refusal(`no ${entry.spec.kind} endpoint named ${String(args['endpoint']).slice(0, 64)}; call ${entry.spec.kind}_list_endpoints for the names`));
    const writes = changesUpstream(tool);
    const ask = needsApproval(tool, config);
    if ((writes || ask) && !endpoint) {
      const names = endpointsOf(config, entry.spec.kind).map((e) => `${e.id}${e.readOnly ? ' (read-only)' : ''}`).join(', ') || 'none configured';
      return finish('denied', refusal(`${name} may change things, and that needs a named system: pass the endpoint argument (${entry.spec.kind} endpoints: ${names})`), 'no endpoint');
    }
    // Security: a read-only endpoint runs only tools annotated readOnlyHint: true, approved or not.
    if (endpoint?.readOnly && writes) return finish('denied', refusal(`endpoint ${endpoint.id} is read-only; ${name} may change it, so it was not run. Use a read-write endpoint, or make ${endpoint.id} read-write with 'keybroker endpoint update ${endpoint.id} --read-write'`), 'read-only endpoint');
    // The child cannot know which endpoint the gateway chose when the argument was left out
    // (the only endpoint of its kind), so tell it, for tools that take the argument.
    const acceptsEndpoint = (tool.inputSchema.properties as Record<string, unknown> | undefined)?.['endpoint'] !== undefined;
    const forwarded = endpoint && acceptsEndpoint && typeof args?.['endpoint'] !== 'string' ? { ...args, endpoint: endpoint.id } : args;
    entry.callers.push(client);
    try {
      if (writes || ask) {
        // Validate and plan before anyone is asked: an invalid call fails with the tool's own
        // error and creates no approval (issue 11). The plan may need an unlock first.
        let planned: PlanResult | undefined;
        try {
          planned = await connection.plan(name, forwarded, extra.signal);
        } catch (e) {
          if (extra.signal.aborted) throw e;
          const message = e instanceof Error ? e.message : String(e);
          return finish('failed', refusal(`the ${entry.spec.name} server could not plan ${name}: ${message.slice(0, 300)}; nothing was run`), message.slice(0, 200));
        }
        if (planned && !planned.ok) return finish('failed', refusal(planned.error), 'invalid call');
        plan = planned?.plan;
      }
      if (ask) {
        const outcome = await this.approve(entry, session, endpoint!.id, tool, maskSecretArgs(args, secrets), plan, secretArgValues(args, secrets), extra.signal);
        if (outcome !== 'allowed') {
          const auditOutcome = outcome === 'denied' ? 'denied' : outcome === 'timeout' ? 'timeout' : outcome === 'failed' ? 'failed' : 'cancelled';
          return finish(auditOutcome, refusal(outcomeText(outcome, config.unlock.promptTimeoutSeconds)), outcome === 'disconnected' ? 'client disconnected' : undefined);
        }
      }
      const progressToken = request.params._meta?.progressToken;
      // Progress goes out in order, and all of it before the result: a client must never see
      // a progress notification for a call it already has the answer to.
      let progressSent: Promise<void> = Promise.resolve();
      const onprogress = progressToken === undefined ? undefined : (p: { progress: number; total?: number; message?: string }) => {
        progressSent = progressSent.then(() => extra.sendNotification({ method: 'notifications/progress', params: { progressToken, ...p } } as never)).catch(() => undefined);
      };
      // Security: the approval covers this plan's hash and precondition, for this one call;
      // the child re-reads the precondition and refuses if the world changed meanwhile.
      const meta = plan ? { [APPROVED_META_KEY]: { planHash: plan.hash, precondition: plan.precondition } } : undefined;
      const result = await connection.callTool(name, forwarded, { signal: extra.signal, onprogress, meta });
      await progressSent;
      return finish(result.isError ? 'failed' : 'ok', result);
    } catch (e) {
      if (extra.signal.aborted) {
        finish('cancelled', refusal('cancelled'));
        throw e;
      }
      const message = e instanceof McpError ? e.message : String((e as Error)?.message ?? e);
      return finish('failed', refusal(`the ${entry.spec.name} server failed during ${name}: ${message.slice(0, 300)}; it restarts on its own, retry in a moment`), message.slice(0, 200));
    } finally {
      entry.callers.splice(entry.callers.lastIndexOf(client), 1);
    }
  }

  /**
   * Hold the call until the user decides. Only a real "deny" is a denial: a timeout, a client
   * that went away or cancelled, and a broken approver each say so (issue 11).
   */
  private async approve(entry: Entry, session: Session, endpoint: string, tool: Tool, shownArgs: unknown, plan: ChildPlan | undefined, secrets: readonly string[], clientSignal: AbortSignal): Promise<ApprovalOutcome> {
    const { clock, audit, config } = this.deps;
    const timeoutMs = config().unlock.promptTimeoutSeconds * 1000;
    const abort = new AbortController();
    let timedOut = false;
    const timer = clock.setTimer(timeoutMs, () => { timedOut = true; abort.abort(); });
    const onCancel = () => abort.abort();
    clientSignal.addEventListener('abort', onCancel, { once: true });
    const id = this.deps.newApprovalId();
    const createdAt = clock.now();
    const client = session.label();
    const common = { server: entry.spec.name, tool: tool.name, client, endpoint, approvalId: id, ...(plan && { planHash: plan.hash }) };
    audit.append({ event: 'approval.requested', ...common });
    let failed = false;
    try {
      // Security: a plan may quote a secret-marked argument; the screen shows [secret] instead.
      const mask = (t: string) => maskSecretValues(t, secrets);
      const shownPlan = plan && { summary: mask(plan.summary), changes: plan.changes.map((c) => ({ ...c, object: mask(c.object), ...(c.before !== undefined && { before: mask(c.before) }), ...(c.after !== undefined && { after: mask(c.after) }) })), hash: plan.hash };
      const subject = { kind: 'tool' as const, tool: tool.name, argsPreview: argsPreview(shownArgs), changes: changesUpstream(tool), ...(shownPlan && { plan: shownPlan }) };
      // Security: clientVerified stays false: nothing on these channels proves who the client is
      // (DECISIONS "self-declared client"), so approvers show "claims to be …".
      const decision = await this.deps.approver
        .request({ id, client, clientVerified: false, server: entry.spec.name, endpoint, subject, createdAt, expiresAt: createdAt + timeoutMs }, abort.signal)
        .catch(() => { failed = true; return 'deny' as const; });
      const outcome: ApprovalOutcome = timedOut ? 'timeout'
        : clientSignal.aborted ? (session.closed() ? 'disconnected' : 'cancelled')
          : abort.signal.aborted ? 'cancelled'
            : failed ? 'failed'
              : decision === 'deny' ? 'denied' : 'allowed';
      const auditOutcome = outcome === 'allowed' ? 'ok' : outcome === 'timeout' ? 'timeout' : outcome === 'denied' ? 'denied' : outcome === 'failed' ? 'failed' : 'cancelled';
      audit.append({ event: outcome === 'allowed' ? 'tool.approved' : 'tool.denied', ...common, outcome: auditOutcome, ...(outcome === 'disconnected' && { reason: 'client disconnected' }), durationMs: clock.now() - createdAt });
      return outcome;
    } finally {
      timer.dispose();
      clientSignal.removeEventListener('abort', onCancel);
    }
  }

  override dispose(): void {
    for (const e of this.entries.values()) {
      for (const s of e.sessions) void s.server.close().catch(() => undefined);
      void e.connection?.close();
    }
    super.dispose();
  }
}
