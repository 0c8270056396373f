import type { ChildStatus } from '../../base/contracts/broker-status.js';
import { Emitter } from '../../base/events/emitter.js';
import { DisposableBase, type Disposable } from '../../base/lifecycle/disposable.js';
import type { AuditInput, AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';
import { describeViolation } from './child-channel.js';
import { buildChildEnv } from './child-env.js';
import { ChildProcessHandle, type ExitEvent } from './child-process-handle.js';
import { CrashWindow } from './crash-window.js';
import type { Launcher } from './launcher.js';
import { readModuleSnapshot, type ModuleSnapshot } from './module-snapshot.js';
import { backoffDelay, type RestartPolicy } from './restart-policy.js';
import type { ServerSpec } from './server-spec.js';
import type { ChildExitEvent, ChildStartEvent } from './supervisor-events.js';

/** What one supervised child needs; the Supervisor resolves the defaults. */
export interface SupervisedChildDeps {
  readonly launcher: Launcher;
  readonly audit: AuditSink;
  /** The parent's environment; only its allow-listed part reaches the child. */
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly policy: RestartPolicy;
  readonly log: (line: string) => void;
}

/**
 * One server under supervision: a ChildProcessHandle per process lifetime, restarts after
 * crashes with exponential backoff, gives up on a crash loop (issue 4, "Supervisor").
 * `stop` and `restart` run one at a time, so a stop never races a restart into a stray child.
 */
export class SupervisedChild extends DisposableBase {
  private state: ChildStatus['state'] = 'stopped';
  /** How a config.json server's last start ran its entry (D264). */
  private code: ChildStatus['code'];
  private current: ChildProcessHandle | undefined;
  /** The last exited lifetime, kept until the next start so its final stderr lines (a stack trace) still reach the log. */
  private previous: ChildProcessHandle | undefined;
  private everStarted = false;
  private restarts = 0;
  /** Consecutive crashes, for the backoff; reset once a child stays up `stableAfterMs`. */
  private streak = 0;
  private upSince = 0;
  private readonly crashes: CrashWindow;
  private timer: Disposable | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly _onDidStart = this.register(new Emitter<ChildStartEvent>());
  private readonly _onDidExit = this.register(new Emitter<ChildExitEvent>());
  private readonly _onDidFail = this.register(new Emitter<ServerSpec>());
  /** A new process lifetime started. */
  readonly onDidStart = this._onDidStart.event;
  /** A process lifetime ended. */
  readonly onDidExit = this._onDidExit.event;
  /** A crash loop: no more restarts until `restart()`. */
  readonly onDidFail = this._onDidFail.event;

  constructor(
    readonly spec: ServerSpec,
    private readonly deps: SupervisedChildDeps,
  ) {
    super();
    this.crashes = new CrashWindow(deps.policy.crashLoopWindowMs);
  }

  /** The live process lifetime, or undefined while none runs. */
  get handle(): ChildProcessHandle | undefined {
    return this.current;
  }

  /** This child as `keybroker status` shows it. */
  status(): ChildStatus {
    const pid = this.current?.pid;
    return { name: this.spec.name, kind: this.spec.kind, ...(pid === undefined ? {} : { pid }), state: this.state, restarts: this.restarts, ...(this.code ? { code: this.code } : {}) };
  }

  /** Start the first lifetime (Supervisor.add); `idle`: wait for `wake()` instead (issue 17). */
  start(options: { idle?: boolean } = {}): void {
    if (options.idle) this.state = 'idle';
    else this.launch();
  }

  /** Start an `idle` child now (a request needs it); anything else is left as it is. */
  wake(): Promise<void> {
    return this.enqueue(async () => {
      if (this.state === 'idle' && !this.current) this.launch();
    });
  }

  /**
   * Stop a running child on purpose because nobody uses it: like `stop`, but the state is
   * `idle` (not `stopped` or `crashed`), and `wake()` starts it again (issue 17).
   */
  park(): Promise<void> {
    return this.enqueue(async () => {
      if (this.state !== 'running' && this.state !== 'starting') return;
      this.cancelTimer();
      this.state = 'idle';
      await this.current?.stop({ graceMs: this.deps.policy.stopGraceMs });
    });
  }

  /** Stop the running process (if any) and start a new one now; forgets the crash history, so it also un-fails. */
  restart(): Promise<void> {
    return this.enqueue(async () => {
      this.cancelTimer();
      // The user asked for a fresh start: earlier crashes must not count towards a loop.
      this.crashes.clear();
      this.streak = 0;
      const running = this.current;
      if (running) {
        this.state = 'restarting';
        await running.stop({ graceMs: this.deps.policy.stopGraceMs });
      }
      this.launch();
    });
  }

  /** SIGTERM, SIGKILL after the grace period; no restart follows. Resolves once the process has exited. */
  stop(): Promise<void> {
    return this.enqueue(async () => {
      this.cancelTimer();
      this.state = 'stopped';
      await this.current?.stop({ graceMs: this.deps.policy.stopGraceMs });
    });
  }

  /** Stops the process without auditing its exit (the audit sink may be closing too); prefer `await stop()` first. */
  override dispose(): void {
    if (this.isDisposed) return;
    this.cancelTimer();
    this.stop().catch((e: unknown) => this.deps.log(`[${this.spec.name}] stopping failed: ${String(e)}`));
    super.dispose();
    this.previous?.dispose();
    this.previous = undefined;
  }

  private launch(): void {
    if (this.isDisposed) return;
    this.previous?.dispose();
    this.previous = undefined;
    const restart = this.everStarted;
    this.everStarted = true;
    const { name, modulePath, reads, args, execArgv } = this.spec;
    // Security (D2-modulebytes): a server config.json added is approved for the code it runs,
    // not only its command: its module (and package.json) is read once per start, and the
    // broker serves the digest of these bytes only under an allow given for that digest.
    let snapshot: ModuleSnapshot | undefined;
    try {
      snapshot = this.spec.fromConfig ? readModuleSnapshot(modulePath) : undefined;
    } catch (e) {
      this.launchFailed(e);
      return;
    }
    // D263/2: an entry node cannot run by itself (a `.ts` under an execArgv loader) is
    // loaded by that loader from the disk, as every entry is where the launcher cannot hand node
    // the bytes (the desktop app): the approval then holds for the bytes read, not for what runs.
    // Said at each start, with what to do, and by `keybroker status`.
    if (snapshot) this.code = snapshot.format !== undefined && this.deps.launcher.runsSnapshots === true ? 'approved' : 'disk';
    if (snapshot && snapshot.format === undefined) this.deps.log(`[${name}] ${modulePath} is loaded from the disk, not from the bytes approved (node is handed only a .js, .cjs or .mjs entry), so a rewrite after its read at this start is not caught; build it into one .js, .cjs or .mjs file to run exactly what was approved`);
    else if (this.code === 'disk') this.deps.log(`[${name}] ${modulePath} is read from the disk when node loads it (this host's children take no preload), so a rewrite after its read at this start is not caught; run it with keybroker serve to run exactly what was approved`);
    // Security: the child gets the allow-listed env, its spec's fixed tunables and its own name;
    // never a secret (DESIGN.md "Processes").
    const env = buildChildEnv(this.deps.env, { ...this.spec.env, KEYBROKER_CHILD: name });
    const handle = new ChildProcessHandle(this.deps.launcher, { name, modulePath, ...(reads ? { reads } : {}), args, execArgv, env, ...(snapshot ? { snapshot } : {}) }, this.deps.log);
    this.current = handle;
    this.state = 'starting';
    handle.onDidSpawn(() => {
      if (this.current === handle) this.state = 'running';
    });
    handle.onDidExit((exit) => this.onExit(handle, exit));
    handle.onDidViolate((v) => {
      this.append({ event: 'frame.invalid', outcome: 'failed', pid: handle.pid, code: `channel_${v.replaceAll('-', '_')}`, reason: `sent ${describeViolation(v)}; channel closed, child killed` });
    });
    this.upSince = this.deps.clock.now();
    try {
      handle.start();
    } catch (e) {
      this.current = undefined;
      handle.dispose();
      this.launchFailed(e);
      return;
    }
    if (restart) this.restarts++;
    this.append({ event: restart ? 'child.restarted' : 'child.started', outcome: 'ok', pid: handle.pid, ...(snapshot ? { codeSha256: snapshot.sha256 } : {}) });
    this._onDidStart.fire({ spec: this.spec, handle, restart, ...(snapshot ? { codeSha256: snapshot.sha256 } : {}) });
  }

  /** The launcher could not even spawn it (or its module could not be read): count it as a crash so a broken install ends as `failed`. */
  private launchFailed(e: unknown): void {
    const next = this.afterCrash();
    const message = e instanceof Error ? e.message : String(e);
    this.append({ event: 'child.started', outcome: 'failed', code: 'launch_failed', reason: `${message.slice(0, 160)}; ${next.plan}` });
    if (next.delayMs === undefined) this._onDidFail.fire(this.spec);
  }

  private onExit(handle: ChildProcessHandle, exit: ExitEvent): void {
    if (handle !== this.current) return;
    this.current = undefined;
    if (this.isDisposed) {
      // Deferred: the handle is still firing this exit to the other listeners (the host's link).
      queueMicrotask(() => handle.dispose());
      return;
    }
    this.previous = handle;
    const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    if (exit.expected) {
      this.append({ event: 'child.exited', outcome: 'ok', pid: handle.pid, reason: this.state === 'idle' ? `idle: stopped until the next request (${how})` : `stopped (${how})` });
      this._onDidExit.fire({ spec: this.spec, exit, willRestart: this.state === 'restarting' });
      return;
    }
    const next = this.afterCrash();
    const failed = next.delayMs === undefined;
    this.append({ event: 'child.exited', outcome: 'failed', pid: handle.pid, code: failed ? 'crash_loop' : 'crashed', reason: `${how}; ${next.plan}` });
    this.deps.log(`[${this.spec.name} ${handle.pid ?? '?'}] ${how}; ${next.plan}`);
    this._onDidExit.fire({ spec: this.spec, exit, willRestart: !failed });
    if (failed) this._onDidFail.fire(this.spec);
  }

  /** Count a crash, then schedule the restart or give up. Scheduled before anyone hears of the crash, so a listener's stop() cancels it. */
  private afterCrash(): { delayMs: number | undefined; plan: string } {
    const { clock, policy } = this.deps;
    const now = clock.now();
    if (now - this.upSince >= policy.stableAfterMs) this.streak = 0;
    this.streak++;
    const inWindow = this.crashes.record(now);
    if (inWindow >= policy.crashLoopCount) {
      this.state = 'failed';
      return { delayMs: undefined, plan: `${inWindow} crashes within ${policy.crashLoopWindowMs} ms, not restarting` };
    }
    const delayMs = backoffDelay(policy, this.streak);
    this.state = 'restarting';
    this.timer = clock.setTimer(delayMs, () => {
      this.timer = undefined;
      this.launch();
    });
    return { delayMs, plan: `restarting in ${delayMs} ms` };
  }

  private cancelTimer(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private append(record: Omit<AuditInput, 'server'>): void {
    this.deps.audit.append({ ...record, server: this.spec.name });
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.queue.then(op);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
