import type { ChildStatus } from '../../base/contracts/broker-status.js';
import type { Isolation } from '../../base/contracts/child-channel.js';
import { BugError } from '../../base/errors/core-error.js';
import { Emitter } from '../../base/events/emitter.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import type { AuditSink } from '../ports/audit-sink.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { ChildProcessHandle } from './child-process-handle.js';
import { refusedTunable } from './child-env.js';
import type { Launcher } from './launcher.js';
import { resolveRestartPolicy, type RestartPolicy } from './restart-policy.js';
import { ServerNotFoundError } from './server-not-found-error.js';
import type { ServerSpec } from './server-spec.js';
import { SupervisedChild, type SupervisedChildDeps } from './supervised-child.js';
import type { ChildExitEvent, ChildStartEvent } from './supervisor-events.js';

/** What the Supervisor needs from the host. */
export interface SupervisorDeps {
  readonly launcher: Launcher;
  /** Receives child.started / child.exited / child.restarted. */
  readonly audit: AuditSink;
  /** The parent's environment. Children get only its allow-listed part (buildChildEnv). */
  readonly env: NodeJS.ProcessEnv;
  /** Times the restart backoff and the crash-loop window (tests pass a ManualClock). */
  readonly clock?: Clock;
  readonly policy?: Partial<RestartPolicy>;
  /** Where children's `[name pid]` log lines go; default stderr. */
  readonly log?: (line: string) => void;
}

const writeStderr = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Runs the MCP server children (DESIGN.md "Processes", issue 4): starts each, restarts it
 * with exponential backoff after a crash, gives up on a crash loop (`failed` until
 * `restart`), and stops them gracefully. The host attaches the broker and gateway to every
 * new process in `onDidStart`.
 *
 * Await `stopAll()` before disposing the host's audit log; `dispose()` alone still stops
 * every child (SIGTERM, then SIGKILL) but no longer audits the exits.
 */
export class Supervisor extends DisposableBase {
  /** The resolved policy (defaults plus `deps.policy`). */
  readonly policy: RestartPolicy;
  private readonly childDeps: SupervisedChildDeps;
  private readonly children = new Map<string, SupervisedChild>();
  private readonly _onDidStart = this.register(new Emitter<ChildStartEvent>());
  private readonly _onDidExit = this.register(new Emitter<ChildExitEvent>());
  private readonly _onDidFail = this.register(new Emitter<ServerSpec>());
  /** Every (re)start: attach the broker and the gateway to `handle` here. */
  readonly onDidStart = this._onDidStart.event;
  /** Every exit, intended or not; `willRestart` says whether a new process follows. */
  readonly onDidExit = this._onDidExit.event;
  /** A server hit a crash loop and will not be restarted until `restart(name)`. */
  readonly onDidFail = this._onDidFail.event;

  constructor(deps: SupervisorDeps) {
    super();
    this.policy = resolveRestartPolicy(deps.policy);
    this.childDeps = {
      launcher: deps.launcher,
      audit: deps.audit,
      env: deps.env,
      clock: deps.clock ?? systemClock,
      policy: this.policy,
      log: deps.log ?? writeStderr,
    };
  }

  /**
   * Register `spec` and start its first process, or with `idle` leave it `idle` until
   * `wake(name)` (children on demand, issue 17). A name can be added once.
   */
  add(spec: ServerSpec, options: { idle?: boolean } = {}): void {
    if (this.isDisposed) throw new BugError(`Supervisor.add(${spec.name}) after dispose`);
    if (this.children.has(spec.name)) throw new BugError(`server ${spec.name} added twice; server names must be unique`);
    // Security: a spec's fixed variables are tunables only (child-env.ts, D91).
    const refused = spec.env && refusedTunable(spec.env);
    if (refused) throw new BugError(`server ${spec.name}: its env may not set ${refused}`);
    const child = this.register(new SupervisedChild(spec, this.childDeps));
    this.children.set(spec.name, child);
    child.onDidStart((e) => this._onDidStart.fire(e));
    child.onDidExit((e) => this._onDidExit.fire(e));
    child.onDidFail((s) => this._onDidFail.fire(s));
    child.start(options);
  }

  /** Start `name` if it is `idle`; otherwise nothing. Rejects with ServerNotFoundError for an unknown name. */
  async wake(name: string): Promise<void> {
    await this.child(name).wake();
  }

  /** Stop `name` because it is not used; its status is `idle` until `wake(name)` (issue 17). */
  async park(name: string): Promise<void> {
    await this.child(name).park();
  }

  /**
   * Stop `name` if it runs and start it again now. Also recovers a `failed` or stopped
   * server and forgets its crash history. Rejects with ServerNotFoundError for an unknown name.
   */
  async restart(name: string): Promise<void> {
    await this.child(name).restart();
  }

  /** Stop `name` gracefully; no restart follows. Resolves once the process has exited; rejects with ServerNotFoundError for an unknown name. */
  async stop(name: string): Promise<void> {
    await this.child(name).stop();
  }

  /** Stop every child gracefully (SIGTERM, SIGKILL after `stopGraceMs`); resolves when all have exited. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.children.values()].map((c) => c.stop()));
  }

  /** The containment every child of this supervisor runs in (its launcher's). */
  get isolation(): Isolation {
    return this.childDeps.launcher.isolation;
  }

  /** Every server, in the order added, as `keybroker status` shows it. */
  status(): ChildStatus[] {
    return [...this.children.values()].map((c) => c.status());
  }

  /** The live process of `name`, or undefined while it is restarting, failed, stopped or unknown. */
  get(name: string): ChildProcessHandle | undefined {
    return this.children.get(name)?.handle;
  }

  /** Stops every child (see the class comment) and releases all listeners. */
  override dispose(): void {
    if (this.isDisposed) return;
    this.stopAll().catch((e: unknown) => this.childDeps.log(`[supervisor] stopping children failed: ${String(e)}`));
    super.dispose();
  }

  private child(name: string): SupervisedChild {
    const child = this.children.get(name);
    if (!child) throw new ServerNotFoundError(name);
    return child;
  }
}
