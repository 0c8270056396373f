import path from 'node:path';
import { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import type { Event } from '../../../src/base/events/emitter.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import type { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import type { Launcher } from '../../../src/platform/supervisor/launcher.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import { noSandbox } from '../../../src/platform/supervisor/sandbox/sandbox.js';
import type { RestartPolicy } from '../../../src/platform/supervisor/restart-policy.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import type { ChildExitEvent } from '../../../src/platform/supervisor/supervisor-events.js';
import { Supervisor } from '../../../src/platform/supervisor/supervisor.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { HANG_GUARD_MS } from '../../support/wait.js';
import { isProcessAlive } from '../../../src/platform/fs/is-process-alive.js';

/** The fixture server child (plain .mjs: no tsx start-up cost per restart). */
export const SERVER_CHILD = path.resolve(import.meta.dirname, '../../fixtures/supervisor/server-child.mjs');

/** Guard against a hang only; no test asserts how long anything took. */

/** A ManualClock that remembers every delay it was asked to time: the backoff, observed without waiting. */
export class RecordingClock extends ManualClock {
  readonly delays: number[] = [];

  override setTimer(ms: number, fn: () => void) {
    this.delays.push(ms);
    return super.setTimer(ms, fn);
  }
}

/** Items that arrive over time, with a wait for the first one matching. */
export class Recorder<T> {
  readonly items: T[] = [];
  private waiters: { pred: (x: T) => boolean; resolve: (x: T) => void }[] = [];

  push = (x: T): void => {
    this.items.push(x);
    for (const w of [...this.waiters]) {
      if (!w.pred(x)) continue;
      this.waiters = this.waiters.filter((o) => o !== w);
      w.resolve(x);
    }
  };

  /** The first item, recorded already or still to come, that matches `pred`. */
  wait(what: string, pred: (x: T) => boolean): Promise<T> {
    const seen = this.items.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return guard(what, new Promise<T>((resolve) => this.waiters.push({ pred, resolve })));
  }
}

/** Rejects instead of hanging the suite when `p` never settles. */
export function guard<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${HANG_GUARD_MS} ms`)), HANG_GUARD_MS);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

/** The next event of `event` (matching `pred`). Subscribe before the action that fires it. */
export function next<T>(event: Event<T>, what: string, pred: (e: T) => boolean = () => true): Promise<T> {
  return guard(what, new Promise<T>((resolve) => {
    const sub = event((e) => {
      if (!pred(e)) return;
      sub.dispose();
      resolve(e);
    });
  }));
}

/** A spec for the fixture child. */
export function serverSpec(name: string, args: readonly string[] = []): ServerSpec {
  return { name, kind: 'vsphere', modulePath: SERVER_CHILD, args };
}

/** True once no process has `pid` (exited and reaped: a zombie would still answer signal 0). */
export function isGone(pid: number): boolean {
  return !isProcessAlive(pid);
}

const live: Supervisor[] = [];

/** A Supervisor over real forked children, a recording manual clock, an in-memory audit and log. */
export function makeSupervisor(opts: { policy?: Partial<RestartPolicy>; env?: NodeJS.ProcessEnv; launcher?: Launcher } = {}) {
  const clock = new RecordingClock();
  const audit = new Recorder<AuditInput>();
  const logs = new Recorder<string>();
  const messages = new Recorder<{ handle: ChildProcessHandle; msg: Record<string, unknown> }>();
  const exits = new Recorder<ChildExitEvent>();
  const sup = new Supervisor({
    // The restart logic is what these tests check; the sandbox has its own (sandbox.test.ts).
    launcher: opts.launcher ?? new NodeLauncher({ sandbox: noSandbox('supervisor logic test') }),
    // Checked against the strict audit schema, as the real AuditLog does before writing.
    audit: { append: (r) => audit.push(AuditRecord.omit({ ts: true }).parse(r)) },
    env: opts.env ?? { PATH: process.env['PATH'] },
    clock,
    policy: opts.policy,
    log: logs.push,
  });
  live.push(sup);
  sup.onDidStart(({ handle }) => handle.onDidMessage((m) => messages.push({ handle, msg: m as Record<string, unknown> })));
  sup.onDidExit(exits.push);

  /** Resolves once `handle`'s child has said it is ready (its IPC listener is in place). */
  const ready = (handle: ChildProcessHandle) => messages.wait(`ready from ${handle.spec.name}`, (x) => x.handle === handle && x.msg['ready'] === true);

  return {
    sup, clock, audit, logs, messages, exits, ready,
    /** Add `spec` and wait until its child is ready; returns the live handle. */
    async add(spec: ServerSpec): Promise<ChildProcessHandle> {
      const started = next(sup.onDidStart, `start of ${spec.name}`);
      sup.add(spec);
      const { handle } = await started;
      await ready(handle);
      return handle;
    },
    /** Make the live child of `name` exit with `code`; resolves with the supervisor's exit event. */
    async crash(name: string, code = 3): Promise<ChildExitEvent> {
      const handle = sup.get(name);
      if (!handle) throw new Error(`${name} is not running`);
      const exited = next(sup.onDidExit, `exit of ${name}`);
      handle.send({ cmd: 'exit', code });
      return exited;
    },
    /** Advance the clock by `ms` and wait for the restarted child to be ready. */
    async advanceToRestart(ms: number): Promise<ChildProcessHandle> {
      const started = next(sup.onDidStart, 'restart');
      clock.advance(ms);
      const { handle, restart } = await started;
      if (!restart) throw new Error('expected a restart');
      await ready(handle);
      return handle;
    },
  };
}

/** Stop and dispose every supervisor the tests made (afterEach): no child outlives its test. */
export async function cleanupSupervisors(): Promise<void> {
  for (const sup of live.splice(0)) {
    await sup.stopAll();
    sup.dispose();
  }
}
