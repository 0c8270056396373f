import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, ListToolsRequestSchema, McpError, type CallToolRequest, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_META_KEY } from '../../base/contracts/client-meta.js';
import { APPROVED_META_KEY, type ChildPlan, type PlanResult } from '../../base/contracts/plan-protocol.js';
import type { ApprovalSubject } from '../../base/contracts/approval.js';
import type { AuditInput, ToolCallFields } from '../../base/contracts/audit-event.js';
import { DEFAULT_MAX_CALL_MINUTES, type Config } from '../../base/contracts/config.js';
import type { PolicyTestResult } from '../../base/contracts/policy.js';
import { evaluateRules, type PolicyDecision } from '../../base/policy/evaluate-rules.js';
import { userTimeZone } from '../../base/policy/time-window.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import type { Approver } from '../approvals/approver.js';
import { askUser, type AskOutcome } from '../approvals/ask-user.js';
import type { AuditSink } from '../ports/audit-sink.js';
import { elapsedMs, type Clock } from '../ports/clock.js';
import type { ChildProcessHandle } from '../supervisor/child-process-handle.js';
import type { ServerSpec } from '../supervisor/server-spec.js';
import { argsPreview } from './args-preview.js';
import { BlastRadius, type LimitHit } from './blast-radius.js';
import type { PinDiff, ToolPins } from './tool-pins.js';
import type { PinnedServer } from '../../base/contracts/tool-pins.js';
import { ChildConnection } from './child-connection.js';
import { setForwardingCallHandler } from './forward.js';
import { JsonLineTransport } from './json-line-transport.js';
import { dispatchValidated } from './validated-dispatch.js';
import { FairShare, type FairShareOptions, type Release } from './fair-share.js';
import { holdPlace } from './held-place.js';
import { serveCallsDirectly } from './direct-call-dispatch.js';
import { cancelOfSignal, type CallCancel, type Progress } from './forwarded-calls.js';
import { QueueFullError } from './queue-full-error.js';
import { CallLifetimeError } from './call-lifetime-error.js';
import { DROPPED_RESULTS } from './child-mcp-transport.js';
import { QueuedCallsAudit } from './queued-calls-audit.js';
import { refuseRepeatedRequestIds } from './unique-request-ids.js';
import type { ChildDemand } from './children-on-demand.js';
import { ServerNotFoundError } from '../supervisor/server-not-found-error.js';
import type { FrontDoor, GatewaySession, GatewaySessions } from './gateway-sessions.js';
import { maskSecretArgs, maskSecretValues, secretArgNames, secretArgValues, withoutSecretValues } from './secret-args.js';
import { argNames, outcomeText, refusal, type ApprovalOutcome } from './tool-call.js';
import { changesUpstream, endpointsOf, needsApproval, targetEndpoint, visibleTools } from './tool-policy.js';
import type { PolicyConsent } from './policy-consent.js';
import type { Endpoint } from '../../base/contracts/endpoint.js';
import { toolListNames } from '../../base/policy/tool-list.js';
import { KEYBROKER_VERSION } from '../../base/version.js';

export interface GatewayDeps {
  readonly config: () => Config;
  readonly approver: Approver;
  readonly newApprovalId: () => string;
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** Pinned tool definitions (issue 14); absent, nothing is pinned (unit tests of other parts). */
  readonly pins?: ToolPins;
  /** The time zone of a rule's time window that names none; default the user's. */
  readonly timeZone?: () => string;
  /** Children on demand (issue 17): absent, every child runs from the start. */
  readonly demand?: ChildDemand;
  /**
   * The policy a person confirmed (D1-policyconsent): a call only an unconfirmed loosening of
   * config.json lets run without asking is held. Absent (unit tests of other parts): the
   * current config alone decides.
   */
  readonly policyConsent?: PolicyConsent;
  /** Each child's in-flight caps (D183); default CHILD_, CLIENT_ and SESSION_CALLS_IN_FLIGHT. Tests pass smaller ones. */
  readonly shares?: Pick<FairShareOptions<unknown>, 'childCap' | 'clientCap' | 'sessionCap' | 'sessionWaiting' | 'clientWaiting'>;
  /** The forwarded calls' deadline and life cap (D237, D262); default monotonic time. Tests pass a ManualClock. */
  readonly callClock?: Clock;
}

/** What the gateway's `tools/call` handler reads of the SDK's extra; `cancel` when the direct dispatch served it (D239). */
interface CallExtra {
  readonly signal: AbortSignal;
  readonly cancel?: CallCancel;
  readonly sendNotification: (n: never) => Promise<void>;
}

/** Audit fields of a record, without its event. */
type AuditFields = Omit<AuditInput, 'event'>;

/** A server's tool set compared with its pin, once per child connection. */
interface PinState {
  readonly connection: ChildConnection;
  readonly presented: PinnedServer;
  changed?: PinDiff;
  /** The one pending definition approval every held call waits on. */
  approval?: Promise<ApprovalOutcome>;
}

interface Session {
  readonly server: Server;
  readonly label: () => string;
  /** Who the session's calls count for in the child's share: its client (D200). */
  readonly client: unknown;
  /** True once the client's connection closed (a disconnect, not a cancel). */
  readonly closed: () => boolean;
  /** The tool list this session saw first: kept for the session (Claude Desktop ignores list_changed). */
  tools?: Tool[];
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
  pin?: PinState;
  /** The child's calls in flight, shared between sessions (D183); kept across restarts. */
  readonly share: FairShare<Session>;
}

/**
 * Progress notifications of one call that may wait to be written to its client; past it the
 * newest replaces the last one waiting (MCP lets a receiver see fewer; the last always arrives).
 */
export const PROGRESS_WAITING_PER_CALL = 16;

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
  /** Calls waiting for a child to be ready; dispose fails them at once instead of leaving their 15 s timers. */
  private readonly waiting = new Set<(error: Error) => void>();
  private readonly limits: BlastRadius;
  private readonly queued: QueuedCallsAudit;
  /** Each client's opaque number for the children (D201), never its key, and its open sessions. */
  private readonly clientNumbers = new Map<unknown, { readonly n: number; sessions: number }>();
  private lastClientNumber = 0;

  constructor(private readonly deps: GatewayDeps) {
    super();
    this.limits = new BlastRadius(deps.clock);
    this.queued = this.register(new QueuedCallsAudit({ audit: deps.audit, clock: deps.clock }));
    // A child stopped as idle is no longer ready from the moment its stop is decided: calls
    // made while it exits wait for the next one, which their `busy` wakes (Z6-redteam).
    const parked = deps.demand?.onWillPark?.((server) => {
      const entry = this.entries.get(server);
      if (entry) this.resetReady(entry);
    });
    if (parked) this.register(parked);
  }

  /** Register a server before its first child starts, so clients can connect and wait. */
  addServer(spec: ServerSpec): void {
    let resolveReady!: (c: ChildConnection) => void;
    const ready = new Promise<ChildConnection>((r) => { resolveReady = r; });
    const share = new FairShare<Session>({ ...this.deps.shares, clientOf: (session) => session.client, onQueued: (session, reason) => this.queued.record(spec.name, session.label(), reason) });
    this.entries.set(spec.name, { spec, ready, resolveReady, isReady: false, sessions: new Set(), callers: [], started: 0, share });
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
    const connection = new ChildConnection(handle, (reason) => this.deps.audit.append({ event: 'frame.invalid', server: spec.name, pid: handle.pid, code: 'invalid', reason }), this.deps.callClock);
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
      this.observePins(entry, connection);
      // On demand, a child woken from idle with the same tools as its manifest is no news to sessions.
      const changed = this.deps.demand?.record(spec.name, connection.listTools(), connection.instructions()) ?? true;
      entry.isReady = true;
      entry.resolveReady(connection);
      if (restart && changed) for (const s of entry.sessions) void s.server.sendToolListChanged().catch(() => undefined);
    }, () => undefined); // A child that dies before answering is restarted by the supervisor.
    return (frame) => connection.transport.receive(frame);
  }

  async openSession(options: { server: string; clientLabel: string; clientKey?: string; via: FrontDoor; transport: Transport }): Promise<GatewaySession> {
    const entry = this.entries.get(options.server);
    if (!entry) throw new ServerNotFoundError(options.server);
    // The child's instructions (issue 16) go out in initialize: wait briefly for a child that
    // is still starting, never long (a crash-looped server must not stall the client).
    // On demand (issue 17), an idle child's instructions come from its manifest; without one
    // the child is started now, as the client's tools/list will need it.
    const cached = entry.isReady ? undefined : this.deps.demand?.manifest(options.server);
    if (!entry.isReady && !cached) this.deps.demand?.wake(options.server);
    const instructions = cached ? cached.instructions : (await readyWithin(entry.ready, INSTRUCTIONS_WAIT_MS))?.instructions();
    const server = new Server({ name: `keybroker-${options.server}`, version: KEYBROKER_VERSION }, { capabilities: { tools: { listChanged: true } }, ...(instructions ? { instructions } : {}) });
    let isClosed = false;
    // Sessions with one key (one API key, one bridge-starting process) share one client's share;
    // without a key the session is a client of its own.
    const client = options.clientKey === undefined ? Symbol('client') : `${options.via}\n${options.clientKey}`;
    const session: Session = { server, label: () => server.getClientVersion()?.name ?? options.clientLabel, client, closed: () => isClosed };
    // Security: the MCP lifecycle comes first (issue 10 item 9). A raw socket client that
    // skips `initialize` gets no tool list and runs no tool; the SDK's Server does not check.
    const requireInitialized = (method: string): void => {
      if (server.getClientVersion() !== undefined) return;
      this.deps.audit.append({ event: 'gateway.rejected', server: options.server, client: options.clientLabel, code: 'not-initialized', reason: `${method} before initialize` });
      throw new McpError(ErrorCode.InvalidRequest, `${method} before initialize; start the MCP session with initialize first`);
    };
    server.setRequestHandler(ListToolsRequestSchema, async () => {
      requireInitialized('tools/list');
      // On demand (issue 17): an idle child's list comes from its manifest, no child needed.
      const cached = session.tools || entry.isReady ? undefined : this.deps.demand?.manifest(options.server);
      if (cached) session.tools = [...cached.tools];
      // Without a manifest the child is started, and not stopped as idle while this waits for it.
      const waiting = session.tools || entry.isReady ? undefined : this.deps.demand?.busy(options.server);
      try {
        // The list a session sees stays the one it saw first (issue 14): a changed server's
        // new set reaches a client only after it reconnects, and calls are checked against pins.
        session.tools ??= [...(await this.whenReady(entry)).listTools()];
      } finally {
        waiting?.dispose();
      }
      return { tools: visibleTools(session.tools, this.deps.config(), entry.spec.kind) };
    });
    // Forwarded (issue 17): the request is parsed once, the child's result is not rebuilt.
    const onCall = async (request: CallToolRequest, extra: CallExtra): Promise<CallToolResult> => {
      requireInitialized('tools/call');
      // On demand (issue 17): the call starts an idle child and keeps it from idling meanwhile.
      const busy = this.deps.demand?.busy(options.server);
      try {
        return await this.call(entry, session, request, extra);
      } finally {
        busy?.dispose();
      }
    };
    setForwardingCallHandler(server, onCall);
    const uncount = this.countSession(client);
    const closed = new Promise<void>((resolve) => { server.onclose = () => { isClosed = true; entry.sessions.delete(session); uncount(); resolve(); }; });
    entry.sessions.add(session);
    await server.connect(options.transport);
    // A socket client's lines are JSON-RPC messages by the time they reach the SDK (the
    // transport checked each one): its requests skip the SDK's zod sort (issue 17, round 10).
    // Its plain `tools/call` skips the SDK's `_onrequest` too: no AbortSignal unless one is read (D239).
    if (options.transport instanceof JsonLineTransport) {
      dispatchValidated(server, options.transport, 'requests');
      serveCallsDirectly(server, options.transport, onCall);
    }
    // Security: a repeated request id would take over the first request's cancellation (D194).
    // Installed last, so it sees every message before either dispatch path.
    refuseRepeatedRequestIds(options.transport);
    return { server: options.server, closed, close: () => server.close() };
  }

  private resetReady(entry: Entry): void {
    if (!entry.isReady) return;
    entry.isReady = false;
    entry.ready = new Promise<ChildConnection>((r) => { entry.resolveReady = r; });
  }

  private async whenReady(entry: Entry): Promise<ChildConnection> {
    if (entry.isReady && entry.connection) return entry.connection;
    if (this.isDisposed) throw new McpError(ErrorCode.InternalError, 'KeyBroker is stopping; retry once it runs again');
    let timer: NodeJS.Timeout | undefined;
    let fail: ((error: Error) => void) | undefined;
    const timeout = new Promise<never>((_, reject) => {
      fail = reject;
      timer = setTimeout(() => reject(new McpError(ErrorCode.InternalError, `the ${entry.spec.name} server is not running; see 'keybroker status'`)), READY_WAIT_MS);
    });
    this.waiting.add(fail!);
    try {
      return await Promise.race([entry.ready, timeout]);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(fail!);
    }
  }

  private async call(entry: Entry, session: Session, request: CallToolRequest, extra: CallExtra): Promise<CallToolResult> {
    const { clock, audit } = this.deps;
    const started = clock.now();
    // Security: only `name` and `arguments` of the client's request are used; its `_meta`
    // (where a client could forge the APPROVED_META_KEY approval) is never forwarded to the child.
    const { name, arguments: args } = request.params;
    const client = session.label();
    const names = argNames(args);
    // A running child's connection without an await of its own (issue 17, round 11).
    const connection = entry.isReady && entry.connection ? entry.connection : await this.whenReady(entry);
    const tool = connection.findTool(name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${name}; list the tools first`);
    const config = this.deps.config();
    const endpoint = targetEndpoint(args, config, entry.spec.kind);
    const secrets = secretArgNames(tool);
    let plan: ChildPlan | undefined;
    let verdict: Pick<ToolCallFields, 'decision' | 'rule' | 'ruleReason' | 'limits'> | undefined;
    const finish = (outcome: 'ok' | 'failed' | 'denied' | 'cancelled' | 'timeout', result: CallToolResult, reason?: string) => {
      const values = plan && secretArgValues(args, secrets);
      // One literal of a fixed shape, every call field in place (undefined where absent, which
      // the log leaves out): the audit log's template for it needs no spread (issue 17, round 13).
      const fields: ToolCallFields = {
        endpoint: endpoint?.id,
        client,
        server: entry.spec.name,
        tool: name,
        outcome,
        durationMs: elapsedMs(clock, started),
        reason,
        argNames: names,
        objects: plan && plan.objects.map((o) => withoutSecretValues(o, values!)),
        planSummary: plan && withoutSecretValues(plan.summary, values!),
        planHash: plan?.hash,
        decision: verdict?.decision,
        rule: verdict?.rule,
        ruleReason: verdict?.ruleReason,
        limits: verdict?.limits,
      };
      if (audit.appendCall) audit.appendCall(fields);
      else audit.append({ event: 'tool.called', ...fields });
      return result;
    };
    // Security: a call refused for a full queue is audited only by the coalesced `gateway.rejected`
    // record (FairShare's onQueued), never one `tool.called` line each: that is the flood (D212).
    const queueFull = (e: QueueFullError): CallToolResult => refusal(`${name} was not run: ${e.message.replace('the server', `the ${entry.spec.name} server`)}`);
    if (typeof args?.['endpoint'] === 'string' && !endpoint) return finish('failed', refusal(`no ${entry.spec.kind} endpoint named ${String(args['endpoint']).slice(0, 64)}; call ${entry.spec.kind}_list_endpoints for the names`));
    const writes = changesUpstream(tool);
    const legacyAsk = needsApproval(entry.spec.name, tool, config);
    if ((writes || legacyAsk) && !endpoint) {
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
      if (writes || legacyAsk) {
        // Validate and plan before anyone is asked: an invalid call fails with the tool's own
        // error and creates no approval (issue 11). The plan may need an unlock first.
        let planned: PlanResult | undefined;
        try {
          const release = await this.place(entry, session, extra);
          // The plan's reads take their turns in the child as this client's too (D201).
          // A cancelled plan keeps its place until the child is done with it (D211).
          planned = await holdPlace(connection.transport, () => connection.plan(name, forwarded, extra.signal, { [CLIENT_META_KEY]: this.clientNumber(session.client) }), release, { clock });
        } catch (e) {
          if (extra.signal.aborted) throw e;
          if (e instanceof QueueFullError) return queueFull(e);
          const message = e instanceof Error ? e.message : String(e);
          return finish('failed', refusal(`the ${entry.spec.name} server could not plan ${name}: ${message.slice(0, 300)}; nothing was run`), message.slice(0, 200));
        }
        if (planned && !planned.ok) return finish('failed', refusal(planned.error), 'invalid call');
        plan = planned?.plan;
      }
      // Policy (issue 14), in order: rules over what the plan resolved, then blast-radius
      // limits, then the pinned definitions; any of them can make the call ask.
      const decision = this.confirmedDeny(config, entry.spec.name, tool, endpoint, plan, writes, (line) => this.deps.policyConsent!.ask(config, line, { client, server: entry.spec.name, endpoint: endpoint?.id ?? entry.spec.name }))
        ?? this.decide(config, entry.spec.name, name, endpoint?.id, plan, legacyAsk, writes);
      const hits = endpoint ? this.limits.check(config.policy.limits, name, endpoint.id, plan?.objects.length ?? 0) : [];
      // Security (D1-policyconsent): a call that would run without asking only by a loosening of
      // config.json no person allowed asks as if that loosening were absent; the audit names it.
      const pending = decision.action === 'allow' && hits.length === 0 ? this.unconfirmed(config, entry.spec.name, tool, endpoint, plan, decision, writes) : undefined;
      verdict = { decision: decision.action, ...(decision.rule !== undefined && { rule: decision.rule }), ruleReason: decision.reason, ...(hits.length && { limits: hits.map((h) => h.message) }) };
      if (pending) {
        verdict = { ...verdict, decision: 'ask', ruleReason: `waiting for a person to allow it: ${pending}`.slice(0, 512) };
        this.deps.policyConsent!.ask(config, pending, { client, server: entry.spec.name, endpoint: endpoint?.id ?? entry.spec.name });
      }
      if (decision.action === 'deny') {
        const which = decision.rule === undefined ? 'policy' : `policy.rules[${decision.rule}]`;
        return finish('denied', refusal(`${name} was not run: ${which} denies it: ${decision.reason}`), 'denied by policy');
      }
      // A definition that is not held answers at once: no await for it (D239).
      const checked = this.checkDefinition(entry, session, connection, name, endpoint?.id, extra);
      const held = checked === 'allowed' ? checked : await checked;
      if (held !== 'allowed') {
        return finish(held === 'denied' ? 'denied' : held === 'timeout' ? 'timeout' : 'cancelled', refusal(held === 'denied'
          ? `${name} was not run: the ${entry.spec.name} server's definition of it changed since it was pinned and the change was not accepted; see 'keybroker approvals'`
          : outcomeText(held, config.unlock.promptTimeoutSeconds)), 'tool definition changed');
      }
      const ask = decision.action === 'ask' || hits.length > 0 || pending !== undefined;
      if (ask) {
        const reasons = [
          ...(decision.action === 'ask' && decision.rule !== undefined ? [`policy.rules[${decision.rule}]: ${decision.reason}`] : []),
          ...hits.map((h: LimitHit) => h.message),
          ...(pending ? [`${pending}, but no person has allowed that yet (another prompt asks about it), so this call asks`] : []),
        ];
        const outcome = await this.approve(entry, session, endpoint?.id ?? entry.spec.name, tool, maskSecretArgs(args, secrets), plan, secretArgValues(args, secrets), extra.signal, reasons, verdict);
        if (outcome !== 'allowed') {
          const auditOutcome = outcome === 'denied' ? 'denied' : outcome === 'timeout' ? 'timeout' : outcome === 'failed' ? 'failed' : 'cancelled';
          return finish(auditOutcome, refusal(outcomeText(outcome, config.unlock.promptTimeoutSeconds)), outcome === 'disconnected' ? 'client disconnected' : undefined);
        }
      }
      const progressToken = request.params._meta?.progressToken;
      // Progress goes out in order, and all of it before the result: a client must never see
      // a progress notification for a call it already has the answer to.
      // Security (C6-redteam): the child is untrusted and the client may read slowly; at most
      // PROGRESS_WAITING_PER_CALL wait to be written, and past that the newest replaces the last
      // waiting one, so a child's progress cannot grow the host while a client does not read.
      const waitingProgress: Progress[] = [];
      let progressSent: Promise<void> | undefined;
      const onprogress = progressToken === undefined ? undefined : (p: Progress) => {
        if (waitingProgress.length < PROGRESS_WAITING_PER_CALL) waitingProgress.push(p);
        else waitingProgress[waitingProgress.length - 1] = p;
        progressSent ??= (async () => {
          for (let next = waitingProgress.shift(); next; next = waitingProgress.shift()) {
            await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, ...next } } as never).catch(() => undefined);
          }
          progressSent = undefined;
        })();
      };
      // Security: the approval covers this plan's hash and precondition, for this one call;
      // the child re-reads the precondition and refuses if the world changed meanwhile.
      // The client's number (D201): the child's connectors take turns between clients by it.
      // Security: the gateway writes the whole `_meta` itself; a client's own never reaches the child.
      const meta = { [CLIENT_META_KEY]: this.clientNumber(session.client), ...(plan && { [APPROVED_META_KEY]: { planHash: plan.hash, precondition: plan.precondition } }) };
      // A place at the child first: a call that waits for it and is cancelled never ran, so it counts for no limit.
      // Under the caps the place is there at once: no await for it (issue 17, round 11).
      const placed = this.place(entry, session, extra);
      const release = typeof placed === 'function' ? placed : await placed;
      if (endpoint) this.countCall(config, name, endpoint.id);
      // Security: a cancelled call keeps its place until the child is done with it (D211); the
      // channel's own id map holds it, and arms nothing more for a call that is answered (D238).
      // Security: the call's whole life at the child is capped; its progress never moves that (D262).
      const maxCallMs = (config.children.maxCallMinutes ?? DEFAULT_MAX_CALL_MINUTES) * 60_000;
      let result: CallToolResult;
      // A try around the await, not a `.catch`: one promise and one closure per call fewer (E1-gwspeed).
      try {
        result = await connection.forward(name, forwarded, { cancel: extra.cancel ?? cancelOfSignal(extra.signal), onprogress, meta, release, clock, maxCallMs });
      } catch (e) {
        if (endpoint && !extra.signal.aborted) this.limits.outcome(endpoint.id, true);
        throw e;
      }
      if (endpoint) this.limits.outcome(endpoint.id, result.isError === true);
      await progressSent;
      return finish(result.isError ? 'failed' : 'ok', result);
    } catch (e) {
      if (extra.signal.aborted) {
        finish('cancelled', refusal('cancelled'));
        throw e;
      }
      if (e instanceof QueueFullError) return queueFull(e);
      // One line the client reads, one record (this finish); the child was sent a cancel and keeps the place until it ends (D211).
      if (e instanceof CallLifetimeError) return finish('timeout', refusal(`${name} was stopped: ${e.message}; the ${entry.spec.name} server was told to cancel it. Split the work into shorter calls, or raise the limit`), 'ran past children.maxCallMinutes');
      const message = e instanceof McpError ? e.message : String((e as Error)?.message ?? e);
      // The child is still up and answered: "it restarts on its own" would be untrue (D210).
      const dropped = e instanceof McpError ? DROPPED_RESULTS.find((d) => e.message.endsWith(d)) : undefined;
      if (dropped) {
        return finish('failed', refusal(`the ${entry.spec.name} server ${dropped}; the fault is the server's, not the call's: \`keybroker audit\` shows it as frame.invalid`), dropped);
      }
      return finish('failed', refusal(`the ${entry.spec.name} server failed during ${name}: ${message.slice(0, 300)}; it restarts on its own, retry in a moment`), message.slice(0, 200));
    } finally {
      entry.callers.splice(entry.callers.lastIndexOf(client), 1);
    }
  }

  /**
   * The opaque number a child knows `client` by (`_meta["keybroker/client"]`): the same for
   * every session of the client, counted from 1, never reused; forgotten with its last session.
   */
  private clientNumber(client: unknown): number {
    return this.clientNumbers.get(client)?.n ?? 0;
  }

  /** A session of `client` opened: give the client its number if it is new. Returns the undo for its close. */
  private countSession(client: unknown): () => void {
    let known = this.clientNumbers.get(client);
    if (!known) this.clientNumbers.set(client, (known = { n: ++this.lastClientNumber, sessions: 0 }));
    const entry = known;
    entry.sessions += 1;
    let counted = true;
    return () => {
      if (!counted) return;
      counted = false;
      entry.sessions -= 1;
      if (entry.sessions === 0 && this.clientNumbers.get(client) === entry) this.clientNumbers.delete(client);
    };
  }

  /**
   * A place for one request of `session` at the entry's child (D183): at once while the
   * session is under its share and the child under its cap, else in turn with other sessions'
   * waiting calls. Rejects when the client cancels meanwhile; the request then never reaches the child.
   */
  private place(entry: Entry, session: Session, extra: { readonly signal: AbortSignal }): Release | Promise<Release> {
    // The signal is read only when the call waits (D239: reading it builds it).
    return entry.share.tryAcquire(session) ?? entry.share.acquire(session, extra.signal);
  }

  /**
   * Hold the call until the user decides. Only a real "deny" is a denial: a timeout, a client
   * that went away or cancelled, and a broken approver each say so (issue 11).
   */
  private async approve(entry: Entry, session: Session, endpoint: string, tool: Tool, shownArgs: unknown, plan: ChildPlan | undefined, secrets: readonly string[], clientSignal: AbortSignal, reasons: readonly string[] = [], verdict?: AuditFields): Promise<ApprovalOutcome> {
    // Security: a plan may quote a secret-marked argument; the screen shows [secret] instead.
    const mask = (t: string) => maskSecretValues(t, secrets);
    const shownPlan = plan && { summary: mask(plan.summary), changes: plan.changes.map((c) => ({ ...c, object: mask(c.object), ...(c.before !== undefined && { before: mask(c.before) }), ...(c.after !== undefined && { after: mask(c.after) }) })), hash: plan.hash };
    const subject: ApprovalSubject = { kind: 'tool', tool: tool.name, argsPreview: argsPreview(shownArgs), changes: changesUpstream(tool), ...(shownPlan && { plan: shownPlan }), ...(reasons.length && { reasons: reasons.map((r) => r.slice(0, 512)) }) };
    const common = { server: entry.spec.name, tool: tool.name, endpoint, ...(plan && { planHash: plan.hash }), ...verdict };
    return this.hold(entry, session, endpoint, subject, common, clientSignal, { allowed: 'tool.approved', denied: 'tool.denied' });
  }

  /**
   * Ask the approver about `subject` and wait: the one place a call is held. Audits the
   * request and the answer with `common`, under the given event names.
   */
  private async hold(entry: Entry, session: Session, endpoint: string, subject: ApprovalSubject, common: AuditFields, clientSignal: AbortSignal, events: { allowed: AuditInput['event']; denied: AuditInput['event'] }): Promise<ApprovalOutcome> {
    const client = session.label();
    const disconnected = (outcome: AskOutcome) => outcome === 'cancelled' && session.closed();
    const { outcome } = await askUser(this.deps, {
      client, server: entry.spec.name, endpoint, subject,
      timeoutMs: this.deps.config().unlock.promptTimeoutSeconds * 1000, signal: clientSignal,
      events: { requested: 'approval.requested', ...events },
      fields: { ...common, client, endpoint },
      answered: (a) => (disconnected(a.outcome) ? { reason: 'client disconnected' } : {}),
    });
    return disconnected(outcome) ? 'disconnected' : outcome;
  }

  /**
   * Count a call that is about to run against the rate limits: config.json's, and those of the
   * policy a person confirmed, so that a rate the file dropped, renamed, narrowed or shortened
   * still counts it for as long as the confirmed one says (D1-policyconsent, D282).
   */
  private countCall(config: Config, tool: string, endpoint: string): void {
    const base = this.deps.policyConsent?.confirmed();
    this.limits.record(!base || base === config ? config.policy.limits : [config.policy.limits, base.policy.limits], tool, endpoint);
  }

  /**
   * Security (D1-policyconsent): why a call `config` lets run without asking would ask, or be
   * refused, under the policy a person confirmed; undefined when that policy lets it run too
   * (or no consent is kept). One plain line: "config.json now lets vsphere_power run on vc1
   * without asking (policy.allow names vsphere/vsphere_power)".
   */
  private unconfirmed(config: Config, server: string, tool: Tool, endpoint: Endpoint | undefined, plan: ChildPlan | undefined, decision: PolicyDecision, writes: boolean): string | undefined {
    const base = this.deps.policyConsent?.confirmed();
    if (!base || base === config) return undefined;
    const why: string[] = [];
    if (endpoint && writes) {
      const was = base.endpoints.find((e) => e.id === endpoint.id);
      if (!was || was.readOnly) why.push(was ? `${endpoint.id} was made read-write` : `${endpoint.id} was added read-write`);
    }
    const then = this.decide(base, server, tool.name, endpoint?.id, plan, needsApproval(server, tool, base), writes);
    if (then.action !== 'allow') {
      why.push(decision.rule !== undefined ? `policy.rules[${decision.rule}] allows it: ${decision.reason}`
        : toolListNames(base.policy.approve, server, tool.name, 'any') ? `policy.approve no longer names ${server}/${tool.name}` : `policy.allow names ${server}/${tool.name}`);
    }
    if (endpoint && this.limits.check(base.policy.limits, tool.name, endpoint.id, plan?.objects.length ?? 0).length > 0) why.push('policy.limits were raised past the confirmed ones');
    return why.length ? `config.json now lets ${tool.name} run${endpoint ? ` on ${endpoint.id}` : ''} without asking (${why.join('; ')})` : undefined;
  }

  /**
   * Security (E7-redteam): a call the policy a person confirmed refuses by a deny rule stays
   * refused while config.json's change that would let it ask (or run) waits for a person's
   * consent; `ask` raises that consent's prompt with the call's own line. Undefined when the
   * confirmed policy does not refuse it (or no consent is kept, or config.json refuses it too).
   */
  private confirmedDeny(config: Config, server: string, tool: Tool, endpoint: Endpoint | undefined, plan: ChildPlan | undefined, writes: boolean, ask: (line: string) => void): PolicyDecision | undefined {
    const base = this.deps.policyConsent?.confirmed();
    if (!base || base === config) return undefined;
    const then = this.decide(base, server, tool.name, endpoint?.id, plan, needsApproval(server, tool, base), writes);
    if (then.action !== 'deny' || this.decide(config, server, tool.name, endpoint?.id, plan, needsApproval(server, tool, config), writes).action === 'deny') return undefined;
    const line = `config.json no longer refuses ${tool.name}${endpoint ? ` on ${endpoint.id}` : ''} (policy.rules[${then.rule}] refused it: ${then.reason})`;
    ask(line);
    return { ...then, reason: `${then.reason} (the rule a person confirmed; ${line}, but no person has allowed that yet: another prompt asks about it)` };
  }

  /** The policy decision of a call under `config`: the rules over the plan's facts, else the default (issue 14). */
  private decide(config: Config, server: string, tool: string, endpoint: string | undefined, plan: ChildPlan | undefined, legacyAsk: boolean, writes: boolean): PolicyDecision {
    const { clock } = this.deps;
    const fallback = legacyAsk
      ? { action: 'ask' as const, reason: writes ? 'every change asks (no rule allows it)' : 'policy.approve names it' }
      : { action: 'allow' as const, reason: writes ? 'policy.allow names it' : 'it only reads' };
    const rules = config.policy.rules;
    // The zone only matters to a rule's time window: with no rules, no zone is read (issue 17).
    const timeZone = rules.length === 0 ? 'UTC' : (this.deps.timeZone?.() ?? userTimeZone());
    return evaluateRules(rules, { server, tool, endpoint, facts: plan ? (plan.facts ?? []) : undefined, now: clock.now(), timeZone }, fallback);
  }

  /** Compare a newly ready child's tools with the pins; the first set is pinned (issue 14). */
  private observePins(entry: Entry, connection: ChildConnection): void {
    const pins = this.deps.pins;
    if (!pins) return;
    const seen = pins.observe(entry.spec.name, connection.listTools(), this.deps.clock.now());
    entry.pin = { connection, presented: seen.presented, ...(seen.changed && { changed: seen.changed }) };
    if (seen.first) this.deps.audit.append({ event: 'definition.approved', server: entry.spec.name, reason: 'pinned at first use', tools: Object.keys(seen.presented.tools).sort() });
    if (seen.changed) this.deps.audit.append({ event: 'definition.changed', server: entry.spec.name, tools: seen.changed.tools, reason: 'tool definitions differ from the pinned ones' });
  }

  /**
   * Security: a tool whose definition changed since it was pinned (or that is new to the set)
   * runs only after the person accepted the diff; one approval covers every waiting call and
   * pins the new set. Unchanged tools go on (issue 14).
   */
  private checkDefinition(entry: Entry, session: Session, connection: ChildConnection, tool: string, endpoint: string | undefined, extra: { readonly signal: AbortSignal }): 'allowed' | Promise<ApprovalOutcome> {
    const pin = entry.pin;
    if (!this.deps.pins || !pin || pin.connection !== connection || !pin.changed || !pin.changed.tools.includes(tool)) return 'allowed';
    const signal = extra.signal;
    const changed = pin.changed;
    if (!pin.approval) {
      const subject: ApprovalSubject = { kind: 'definition', tools: changed.tools.slice(0, 200), diff: changed.diff.slice(0, 16 * 1024), hash: pin.presented.hash };
      pin.approval = this.hold(entry, session, endpoint ?? entry.spec.name, subject, { server: entry.spec.name, tools: changed.tools }, signal, { allowed: 'definition.approved', denied: 'definition.denied' })
        .then((outcome) => {
          if (outcome === 'allowed') {
            this.deps.pins!.pin(entry.spec.name, pin.presented);
            delete pin.changed;
          }
          delete pin.approval;
          return outcome;
        });
    }
    return pin.approval;
  }

  /**
   * `keybroker policy test` (issue 14): plan `tool` with `args` through the running child
   * (a live plan, nothing changed) and say which rule decides and why, which limits it would
   * hit, and whether its definition waits for approval. Runs nothing and counts nothing.
   */
  async policyTest(server: string, name: string, args: Record<string, unknown> | undefined, signal: AbortSignal): Promise<PolicyTestResult> {
    const entry = this.entries.get(server);
    if (!entry) throw new ServerNotFoundError(server);
    if (!entry.isReady) this.deps.demand?.wake(server);
    const connection = await this.whenReady(entry);
    const tool = connection.findTool(name);
    const none = { decision: 'deny' as const, reason: '', unevaluated: [], limits: [], definitionChanged: false };
    if (!tool) return { ...none, error: `unknown tool ${name}; 'keybroker tools ${server}' lists them` };
    const config = this.deps.config();
    const endpoint = targetEndpoint(args, config, entry.spec.kind);
    if (typeof args?.['endpoint'] === 'string' && !endpoint) return { ...none, error: `no ${entry.spec.kind} endpoint named ${String(args['endpoint']).slice(0, 64)}` };
    const writes = changesUpstream(tool);
    const legacyAsk = needsApproval(server, tool, config);
    if ((writes || legacyAsk) && !endpoint) return { ...none, error: `${name} needs an endpoint argument` };
    const acceptsEndpoint = (tool.inputSchema.properties as Record<string, unknown> | undefined)?.['endpoint'] !== undefined;
    const forwarded = endpoint && acceptsEndpoint && typeof args?.['endpoint'] !== 'string' ? { ...args, endpoint: endpoint.id } : args;
    let plan: ChildPlan | undefined;
    if (writes || legacyAsk) {
      const planned = await connection.plan(name, forwarded, signal);
      if (planned && !planned.ok) return { ...none, endpoint: endpoint?.id, error: planned.error };
      plan = planned?.plan;
    }
    // E7-redteam: a deny a person confirmed holds while its removal waits (nothing is asked here).
    const decision = this.confirmedDeny(config, server, tool, endpoint, plan, writes, () => undefined) ?? this.decide(config, server, name, endpoint?.id, plan, legacyAsk, writes);
    const hits = endpoint ? this.limits.check(config.policy.limits, name, endpoint.id, plan?.objects.length ?? 0) : [];
    // D1-policyconsent: an allow that waits for a person's consent is reported as the ask it is now.
    const pending = decision.action === 'allow' && hits.length === 0 ? this.unconfirmed(config, server, tool, endpoint, plan, decision, writes) : undefined;
    const pin = entry.pin;
    const secrets = secretArgValues(args, secretArgNames(tool));
    return {
      decision: pending ? 'ask' : decision.action,
      ...(decision.rule !== undefined && { rule: decision.rule }),
      reason: pending ? `${pending}, but no person has allowed that yet: it asks until someone does` : decision.reason,
      unevaluated: [...decision.unevaluated],
      limits: hits.map((h) => h.message),
      definitionChanged: Boolean(pin && pin.connection === connection && pin.changed?.tools.includes(name)),
      ...(endpoint && { endpoint: endpoint.id }),
      ...(plan && { plan: { summary: withoutSecretValues(plan.summary, secrets), objects: plan.objects.map((o) => withoutSecretValues(o, secrets)), ...(plan.facts && { facts: plan.facts }) } }),
    };
  }

  override dispose(): void {
    // A call still waiting for its child gets its answer now, and leaves no timer behind to
    // hold a stopping host's event loop for up to READY_WAIT_MS (P5-fixes found it).
    for (const fail of [...this.waiting]) fail(new McpError(ErrorCode.InternalError, 'KeyBroker is stopping; retry once it runs again'));
    for (const e of this.entries.values()) {
      for (const s of e.sessions) void s.server.close().catch(() => undefined);
      void e.connection?.close();
    }
    super.dispose();
  }
}
