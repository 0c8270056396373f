import type { ApprovalDecision } from '../../base/contracts/approval.js';
import type { Config } from '../../base/contracts/config.js';
import type { ControlHandler, ControlResult } from '../../base/contracts/control-protocol.js';
import { POLICY_TEST_TIMEOUT_MS } from '../../base/contracts/control-protocol.js';
import type { EndpointKind } from '../../base/contracts/names.js';
import { BugError } from '../../base/errors/core-error.js';
import { DisposableBase, toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';
import { KEYBROKER_VERSION } from '../../base/version.js';
import { Emitter } from '../../base/events/emitter.js';
import { AuditLog } from '../audit/audit-log.js';
import { startAuditCheckpoints } from '../audit/start-audit-checkpoints.js';
import type { Approver } from '../approvals/approver.js';
import { Broker } from '../broker/broker.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { PendingApprovals } from '../approvals/pending-approvals.js';
import { AnsweredInWindowError, answeredInWindowOnly } from '../approvals/answered-in-window.js';
import type { UpstreamLogin } from '../broker/upstream-login.js';
import type { ChildLink } from '../broker/child-link.js';
import { ConfigStore } from '../config/config-store.js';
import { ControlServer } from '../control/control-server.js';
import { controlSocketPath } from '../control/control-socket-path.js';
import { ensurePrivateDir } from '../fs/private-dir.js';
import type { Keychain } from '../keychain/keychain.js';
import type { ChildProcessHandle } from '../supervisor/child-process-handle.js';
import { ToolPins } from '../gateway/tool-pins.js';
import { Gateway } from '../gateway/gateway.js';
import { PolicyConsent } from '../gateway/policy-consent.js';
import { ConfirmedPolicyRecord, rememberedConfig } from '../gateway/confirmed-policy-record.js';
import { ChildrenOnDemand } from '../gateway/children-on-demand.js';
import { ToolManifests } from '../gateway/tool-manifest.js';
import { GatewaySocketServer } from '../gateway/gateway-socket-server.js';
import { gatewaySocketPath } from '../gateway/gateway-socket-path.js';
import type { Launcher } from '../supervisor/launcher.js';
import { NodeLauncher } from '../supervisor/node-launcher.js';
import { serverCommand, type ServerSpec } from '../supervisor/server-spec.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { openChildPorts, type ChildPorts } from '../supervisor/child-ports.js';
import { HttpDoorManager } from './http-door-manager.js';
import { limitInvalidFrames } from './invalid-frame-budget.js';
import { HostLock } from './host-lock.js';
import crypto from 'node:crypto';

/** What differs between the headless host and the desktop app. */
export interface HostOptions {
  readonly home: string;
  readonly keychain: Keychain;
  readonly logins: Readonly<Record<EndpointKind, UpstreamLogin>>;
  readonly approver: Approver;
  /** The queue `keybroker approvals/approve/deny` answer; absent where no CLI approval is offered. */
  readonly pending?: PendingApprovals;
  /**
   * The desktop app: a prompt that guards against a config.json writer (answeredInWindowOnly)
   * is answered only in its popup; `keybroker approve` of it is refused (E7-redteam).
   */
  readonly windowOnlyConsent?: boolean;
  readonly clock?: Clock;
  /** The MCP servers to run as supervised children (built-ins plus config `servers`). */
  readonly servers?: readonly ServerSpec[];
  /** NodeLauncher headless; Electron's utilityProcess launcher in the desktop app. */
  readonly launcher?: Launcher;
  /** Parent environment children's allow-listed env is taken from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the one start-up line about the children's isolation goes (default stderr). */
  readonly log?: (line: string) => void;
}

/** The config the running host acts on: loaded at start, replaced by each reload. */
interface LiveConfig {
  current: Config;
}

/**
 * A child's broker port as the broker sees it (a ChildLink), attached: its token requests go
 * to the broker, grants and revocations back. Disposing detaches it (its tokens are withdrawn).
 * `server`: the supervised server's spec (its kind, and whether config.json added it), or only the
 * kind of a child a test attaches by hand (Host.attachChild), which counts as a built-in server.
 */
function attachToBroker(broker: Broker, ports: ChildPorts, server: ServerSpec | EndpointKind, codeSha256?: string): Disposable {
  const [kind, spec] = typeof server === 'string' ? [server, undefined] : [server.kind, server];
  // Security (D2-modulebytes): a config.json server's start always read its code; one without a digest is a bug, not a server to trust.
  if (spec?.fromConfig && codeSha256 === undefined) throw new BugError(`the ${spec.name} server from config.json started without the digest of its code; report this bug`);
  const link: ChildLink = {
    id: ports.id,
    kind,
    server: ports.server,
    // Security (C7-firstuse): a server config.json added is named as such, with its command,
    // and (D2-modulebytes) the digest of the code this process runs.
    ...(spec?.fromConfig && codeSha256 !== undefined && { fromConfig: { command: serverCommand(spec), codeSha256 } }),
    get pid() {
      return ports.pid;
    },
    send: (frame) => ports.broker.send(frame),
  };
  const attached = broker.attachChild(link);
  const frames = ports.broker.onFrame((frame) => attached.accept(frame));
  return toDisposable(() => {
    frames.dispose();
    attached.dispose();
  });
}

/** The host's log when its options give none: one line on stderr. */
const stderrLine = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * The host process's core (DESIGN.md "Processes"): one per user home. Owns the lock,
 * the audit log, the broker and the control socket. `keybroker serve` and the Electron
 * main process both build one and add their own front doors.
 */
export class Host extends DisposableBase implements ControlHandler {
  private readonly startedAt = Date.now();
  /** The one stop in progress or done: a second `stop()` waits for it too. */
  private stopping: Promise<void> | undefined;
  /** The control and gateway socket servers: a stop waits for them to close and remove their files. */
  private readonly socketServers: { close(): Promise<void> }[] = [];
  private readonly _onDidFailAudit = this.register(new Emitter<Error>());
  /**
   * The audit log could not be written (a full disk, the log replaced): the host is stopping,
   * logging out upstream first, rather than running unaudited (D175). `keybroker serve` exits 1.
   */
  readonly onDidFailAudit = this._onDidFailAudit.event;

  private constructor(
    private readonly options: HostOptions,
    private readonly configStore: ConfigStore,
    readonly audit: AuditLog,
    readonly broker: Broker,
    readonly gateway: Gateway,
    readonly supervisor: Supervisor,
    private readonly http: HttpDoorManager,
    private readonly live: LiveConfig,
    /** Children on demand (config `children`), if on. */
    private readonly demand: ChildrenOnDemand | undefined,
    /** The policy a person confirmed (D1-policyconsent); each reload is shown to it. */
    private readonly policyConsent: PolicyConsent,
  ) {
    super();
  }

  /** Load config, take the per-home lock, open the audit log and the control socket. */
  static async start(options: HostOptions): Promise<Host> {
    ensurePrivateDir(options.home);
    const store = new ConfigStore(options.home);
    const config = store.load(); // A bad file stops us here, with the field's path, before anything starts.
    const lock = new HostLock(store.paths.lock);
    lock.acquire();
    // The config the broker and the gateway read: the one loaded here until a reload replaces it.
    const live: LiveConfig = { current: config };
    const currentConfig = () => live.current;
    // The redactor masks every secret alive at each write. The broker and the HTTP door hold
    // them but also write to the audit, so they join its sources once built, below.
    const secretSources: (() => Iterable<string>)[] = [];
    const audit = new AuditLog({ home: options.home, settings: config.audit, secrets: () => liveSecrets(secretSources), deferWrites: true });
    // Broker and gateway share one clock, one view of the config and one id space for
    // approvals, so unlocks and tool approvals line up in `keybroker approvals`.
    const clock = options.clock ?? systemClock;
    const newApprovalId = options.pending ? () => options.pending!.newId() : () => crypto.randomBytes(4).toString('hex');
    // The gateway (built below, once the supervisor it wakes exists) knows which client drives
    // a child; the broker names it in unlock prompts.
    const broker = new Broker({
      config: currentConfig, keychain: options.keychain, logins: options.logins, approver: options.approver,
      clock, audit, newApprovalId, attribution: (link) => gateway.currentClient(link.server),
    });
    // Security: the home holds the control socket; no bind of the sandbox may expose it.
    const launcher = options.launcher ?? new NodeLauncher({ hide: [options.home] });
    const supervisor = new Supervisor({ launcher, audit, env: options.env ?? process.env, clock });
    // Children on demand (issue 17 item 5), the default; `children.idleStopSeconds: 0` keeps
    // them always on. Read at start.
    const demand = config.children.idleStopSeconds > 0 ? new ChildrenOnDemand({
      wake: (name) => supervisor.wake(name), park: (name) => supervisor.park(name),
      manifests: new ToolManifests(options.home), clock, idleMs: config.children.idleStopSeconds * 1000,
      log: options.log ?? stderrLine,
    }) : undefined;
    // Security (D1-policyconsent): a reload that loosens the confirmed policy waits for a person's
    // consent before any call runs by it without asking. D281: so does a start
    // whose config.json loosens the policy confirmed before it (remembered in the keychain);
    // a first start, with nothing remembered, takes config.json's policy as confirmed.
    const log = options.log ?? stderrLine;
    // The start's policy lines wait until the sockets are up, so a start refused at its socket
    // folder says one line (runtime-folders.test.ts); they are audited at once either way.
    const heldLines: string[] = [];
    let startLog: (line: string) => void = (line) => heldLines.push(line);
    const record = new ConfirmedPolicyRecord(options.keychain, store.paths.confirmedPolicy, (line) => {
      startLog(line);
      audit.append({ event: 'config.changed', outcome: 'failed', reason: line });
    });
    const remembered = await record.load();
    const policyConsent = new PolicyConsent({ approver: options.approver, newApprovalId, audit, clock, timeoutMs: () => live.current.unlock.promptTimeoutSeconds * 1000, record },
      config, remembered.kind === 'none' ? undefined : rememberedConfig(config, remembered));
    const waitingAtStart = policyConsent.waitingAtStart();
    if (remembered.kind === 'unreadable' || waitingAtStart.length) {
      const why = remembered.kind === 'unreadable' ? `the policy last confirmed here could not be read (${remembered.why}), so every loosening in config.json waits for a person` : 'config.json was changed while KeyBroker was not running';
      const line = `at start: ${why}${waitingAtStart.length ? `; waiting for a person to allow: ${waitingAtStart.join('; ')}` : ''}`;
      startLog(`${line.slice(0, 600)}${line.length > 600 ? '…' : ''}. The first call it would let through asks; see 'keybroker approvals'`);
      audit.append({ event: 'config.changed', reason: line.slice(0, 2000) });
    }
    const gateway = new Gateway({ config: currentConfig, approver: options.approver, newApprovalId, audit, clock, pins: new ToolPins(store.paths.toolPins), policyConsent, ...(demand && { demand }) });
    const http = new HttpDoorManager({ keychain: options.keychain, sessions: gateway, audit, clock });
    secretSources.push(() => broker.liveSecrets(), () => http.secrets());
    const host = new Host(options, store, audit, broker, gateway, supervisor, http, live, demand, policyConsent);
    host.register(toDisposable(() => lock.release()));
    host.register(audit);
    // Live OTLP export of the audit trail (issue 14 item 5), off unless configured; read at
    // start. Loaded only then: the OpenTelemetry SDK would otherwise cost every CLI start.
    if (config.audit.otlp) {
      const { AuditOtlpExporter } = await import('../audit/audit-otlp-exporter.js');
      host.register(new AuditOtlpExporter({ settings: config.audit.otlp, audit }));
    }
    // Signed audit checkpoints (issue 14 item 4), off unless configured; the key stays in the keychain.
    if (config.audit.checkpoints) host.register(await startAuditCheckpoints(audit, options.keychain, config.audit.checkpoints, options.log));
    // Security: a write of the audit that failed after its append returned stops the host (D175).
    host.register(audit.onDidFail((e) => host.auditFailed(e)));
    host.register(broker);
    host.register(gateway);
    host.register(policyConsent);
    host.register(supervisor);
    if (demand) host.register(demand);
    // Registered before anything can fail: a start that stops at the sockets (a planted
    // socket folder) must not leave the door's timers keeping the process alive.
    host.register(http);
    // Every (re)started child: its broker frames to the broker, its MCP frames to the gateway.
    host.register(supervisor.onDidStart(({ spec, handle, codeSha256 }) => {
      const ports = openChildPorts(handle, audit);
      const attached = attachToBroker(broker, ports, spec, codeSha256);
      ports.mcp.onFrame(gateway.attachChild(spec, handle));
      const budget = limitInvalidFrames(handle, audit.onDidAppend);
      handle.onDidExit(() => {
        ports.dispose();
        attached.dispose();
        budget.dispose();
      });
    }));
    for (const spec of options.servers ?? []) {
      gateway.addServer(spec);
      demand?.add(spec);
      supervisor.add(spec, { idle: demand !== undefined });
    }
    try {
      const control = await ControlServer.listen({
        socketPath: controlSocketPath(options.home),
        handler: host,
        onInvalidFrame: (reason) => audit.append({ event: 'frame.invalid', server: 'control', code: reason }),
      });
      host.register(control);
      host.socketServers.push(control);
      // The MCP front door Claude Desktop's bridge and `keybroker call` connect to.
      const socket = await GatewaySocketServer.listen({
        socketPath: gatewaySocketPath(options.home),
        sessions: gateway,
        onRejected: (reason, detail) => audit.append({ event: 'gateway.rejected', code: reason, server: detail.server, client: detail.client, reason: detail.message }),
        onInvalidLine: (reason, detail) => audit.append({ event: 'frame.invalid', code: reason, server: detail.server, client: detail.client }),
      });
      host.register(socket);
      host.socketServers.push(socket);
      await http.apply(config);
    } catch (e) {
      host.dispose();
      throw e;
    }
    startLog = log;
    for (const line of heldLines.splice(0)) log(line);
    // Said once, at start: whether a compromised child could reach the keychain (issue 10).
    (options.log ?? stderrLine)(launcher.isolationNote);
    audit.append({ event: 'host.started', pid: process.pid, reason: `isolation: ${launcher.isolation}` });
    return host;
  }

  /**
   * Stop every on-demand child that has no call in flight now, as its idle timer would
   * (issue 17; the explicit trigger tests use instead of waiting). Returns the servers asked
   * to stop; nothing when children are not on demand.
   */
  stopIdleChildren(): string[] {
    return this.demand?.sweep() ?? [];
  }

  /**
   * Connect a child's channel to the broker, and its `mcp` frames to `mcp` (tests and the
   * token benchmark drive a child by hand this way). Without `mcp` they are refused and audited.
   */
  attachChild(handle: ChildProcessHandle, kind: EndpointKind, mcp?: (frame: unknown) => void): Disposable {
    const ports = openChildPorts(handle, this.audit);
    const attached = attachToBroker(this.broker, ports, kind);
    if (mcp) ports.mcp.onFrame(mcp);
    // The refused-frame budget too, as for a supervised child.
    const budget = limitInvalidFrames(handle, this.audit.onDidAppend);
    const onExit = handle.onDidExit(() => {
      attached.dispose();
      budget.dispose();
    });
    return this.register(toDisposable(() => {
      onExit.dispose();
      ports.dispose();
      attached.dispose();
      budget.dispose();
    }));
  }

  async status(): Promise<ControlResult<'status'>> {
    return {
      host: { running: true, pid: process.pid, home: this.options.home, startedAt: this.startedAt, isolation: this.supervisor.isolation, version: KEYBROKER_VERSION },
      endpoints: this.broker.endpointStatus(),
      children: this.supervisor.status(),
      pendingApprovals: this.options.pending?.list().length ?? 0,
    };
  }

  async listApprovals(): Promise<ControlResult<'approvals.list'>> {
    return this.options.pending?.list() ?? [];
  }

  async decideApproval(id: string, decision: ApprovalDecision): Promise<ControlResult<'approvals.decide'>> {
    if (!this.options.pending) throw new Error('approvals are answered in the KeyBroker window here');
    // Security (E7-redteam): the process that wrote config.json can reach this socket too.
    const request = this.options.windowOnlyConsent ? this.options.pending.list().find((r) => r.id === id) : undefined;
    if (request && answeredInWindowOnly(request)) throw new AnsweredInWindowError(request);
    this.options.pending.decide(id, decision);
    return { decided: id };
  }

  /** Lock and answer after the upstream logouts (bounded; issue 10 item 8). */
  async lock(target: string | undefined): Promise<ControlResult<'lock'>> {
    const { locked, notLoggedOut } = await this.broker.lock(target);
    return notLoggedOut.length > 0 ? { locked, notLoggedOut } : { locked };
  }

  async reloadConfig(changedCredentials: readonly string[]): Promise<ControlResult<'config.reload'>> {
    const config = this.configStore.load();
    // Security (D1-policyconsent): a loosening is not in force until a person allows it; say which wait.
    const waiting = this.policyConsent.observe(config);
    this.live.current = config;
    await this.broker.reload(changedCredentials);
    await this.http.apply(config);
    const pending = waiting.length ? `; waiting for a person to allow: ${waiting.join('; ')}` : '';
    this.audit.append({ event: 'config.changed', reason: `${config.endpoints.length} endpoint(s)${pending}`.slice(0, 2000) });
    return { endpoints: config.endpoints.length };
  }

  /**
   * `keybroker restart SERVER`: a fresh process for one server, also out of a crash loop.
   * The broker's unlocks and upstream sessions are not tied to a child, so none is dropped.
   */
  async restartServer(server: string): Promise<ControlResult<'server.restart'>> {
    await this.supervisor.restart(server);
    const status = this.supervisor.status().find((c) => c.name === server);
    if (!status) throw new BugError(`server ${server} restarted but has no status`);
    return status;
  }

  /**
   * `keybroker policy test`: the decision a call would get now, on a live plan from the
   * running child; nothing runs (issue 14). A plan that needs an unlock asks for it as a call would.
   */
  async testPolicy(server: string, tool: string, args: Record<string, unknown> | undefined): Promise<ControlResult<'policy.test'>> {
    return this.gateway.policyTest(server, tool, args, AbortSignal.timeout(POLICY_TEST_TIMEOUT_MS));
  }

  /** The audit log could not be written: say so once, and stop (D175). */
  private auditFailed(e: Error): void {
    if (this.stopping) return; // Stopping already; its own last lines may fail the same way.
    const code = (e as NodeJS.ErrnoException).code;
    (this.options.log ?? stderrLine)(
      `the audit log ${this.audit.file} could not be written (${code ?? e.message}); KeyBroker stops rather than run unaudited: free disk space or repair the file, then start it again`,
    );
    this._onDidFailAudit.fire(e);
    void this.stop('audit log not writable');
  }

  /**
   * Log out upstream, audit (with `reason`: a signal, `output closed`, `quit`), release
   * everything. Idempotent: a second call, even while the first still runs, resolves when
   * the first has finished (it used to resolve at once, with the children still running).
   */
  stop(reason?: string): Promise<void> {
    this.stopping ??= this.stopOnce(reason);
    return this.stopping;
  }

  private async stopOnce(reason: string | undefined): Promise<void> {
    await this.supervisor.stopAll();
    await this.broker.shutdown();
    // D281: the last confirmed policy is written before the host says it stopped.
    await this.policyConsent.recorded();
    this.audit.append({ event: 'host.stopped', pid: process.pid, ...(reason === undefined ? {} : { reason }) });
    // Closed and their files removed before stop() resolves: a socket server still closing
    // removed the socket file of a host started right after in the same process (the inode
    // number reused), which then could not even set the socket's mode.
    await Promise.all(this.socketServers.map((server) => server.close()));
    this.dispose();
  }
}

/** Every source's secrets in one array, read at each audit record: a loop, not `flatMap` with a spread per source (issue 17, round 13). */
function liveSecrets(sources: readonly (() => Iterable<string>)[]): string[] {
  const all: string[] = [];
  for (const source of sources) for (const secret of source()) all.push(secret);
  return all;
}
