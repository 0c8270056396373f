import { Emitter } from '../../base/events/emitter.js';
import { BugError } from '../../base/errors/core-error.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import { describeViolation, type ChannelViolation } from './child-channel.js';
import type { LaunchedChild, LaunchSpec, Launcher } from './launcher.js';

/** How a child ended. */
export interface ExitEvent {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when we asked it to stop; anything else is a crash. */
  readonly expected: boolean;
}

/**
 * One child process (STYLE.md §7): start once, stop with SIGTERM then SIGKILL after a grace
 * period, typed events. Restart policy lives in the supervisor, not here.
 */
export class ChildProcessHandle extends DisposableBase {
  private child: LaunchedChild | undefined;
  private exited: Promise<ExitEvent> | undefined;
  private stopping = false;
  private violated = false;
  private readonly _onDidSpawn = this.register(new Emitter<number | undefined>());
  private readonly _onDidExit = this.register(new Emitter<ExitEvent>());
  private readonly _onDidCrash = this.register(new Emitter<ExitEvent>());
  private readonly _onDidMessage = this.register(new Emitter<unknown>());
  private readonly _onDidViolate = this.register(new Emitter<ChannelViolation>());
  readonly onDidSpawn = this._onDidSpawn.event;
  readonly onDidExit = this._onDidExit.event;
  readonly onDidCrash = this._onDidCrash.event;
  readonly onDidMessage = this._onDidMessage.event;
  /**
   * The child broke the channel's rules. Its channel is closed and it is being killed
   * (SIGKILL): the exit that follows is a crash, so the supervisor restarts it with backoff.
   */
  readonly onDidViolate = this._onDidViolate.event;

  constructor(
    private readonly launcher: Launcher,
    readonly spec: LaunchSpec,
    private readonly log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  ) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && !this.stopping;
  }

  /** Start the child. Refuses to run twice: a handle is one process lifetime. */
  start(): void {
    if (this.child) throw new BugError(`child ${this.spec.name} already started; create a new handle to restart`);
    const child = this.launcher.launch(this.spec);
    this.child = child;
    this.register(child.onLog((line) => this.log(`[${this.spec.name} ${child.pid ?? '?'}] ${line}`)));
    // After a violation nothing more from this process is acted on, not even the rest of the chunk.
    this.register(child.onMessage((m) => {
      if (!this.violated) this._onDidMessage.fire(m);
    }));
    this.register(child.onViolation((v) => this.closeChannel(v)));
    this.exited = new Promise<ExitEvent>((resolve) => {
      this.register(child.onExit((code, signal) => {
        const e: ExitEvent = { code, signal, expected: this.stopping };
        resolve(e);
        this._onDidExit.fire(e);
        if (!e.expected) this._onDidCrash.fire(e);
      }));
    });
    this._onDidSpawn.fire(child.pid);
  }

  /**
   * Security: a child that floods or corrupts its channel is treated as compromised, with no
   * second chance on the same process (STYLE.md §3, issue 10): log, fire `onDidViolate`, and
   * SIGKILL it. The launcher calls this for framing violations; the host for a child that
   * keeps sending frames it must refuse. Once per lifetime.
   */
  closeChannel(v: ChannelViolation): void {
    const child = this.child;
    if (!child || this.violated || this.stopping) return;
    this.violated = true;
    this.log(`[${this.spec.name} ${child.pid ?? '?'}] closed its channel: ${describeViolation(v)}; killing it`);
    this._onDidViolate.fire(v);
    child.kill('SIGKILL');
  }

  send(message: unknown): void {
    this.child?.send(message);
  }

  /** SIGTERM, then SIGKILL if still running after `graceMs`. Resolves once it has exited. */
  async stop({ graceMs = 5000 }: { graceMs?: number } = {}): Promise<ExitEvent | undefined> {
    if (!this.child || !this.exited) return undefined;
    this.stopping = true;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The exit event, or undefined if the child is still running after `ms`. */
  async waitForExit(ms: number): Promise<ExitEvent | undefined> {
    if (!this.exited) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), ms); });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
