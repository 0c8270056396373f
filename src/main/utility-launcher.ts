import type { Readable } from 'node:stream';
import type { ForkOptions } from 'electron';
import { CHILD_CHANNEL_ENV } from '../base/contracts/child-channel.js';
import { Emitter } from '../base/events/emitter.js';
import { toDisposable } from '../base/lifecycle/disposable.js';
import { readChildFrames, type ChannelViolation } from '../platform/supervisor/child-channel.js';
import { readChildLogLines } from '../platform/supervisor/child-log-lines.js';
import type { LaunchedChild, LaunchSpec, Launcher } from '../platform/supervisor/launcher.js';

/** The part of a `UtilityProcess` the launcher uses. */
export interface UtilityChild {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'exit', listener: (code: number) => void): unknown;
  removeListener(event: 'exit', listener: (code: number) => void): unknown;
}

/** `utilityProcess` (or the fake in tests). */
export interface UtilityProcessPort {
  fork(modulePath: string, args: string[], options: ForkOptions): UtilityChild;
}

/** Sends a signal to a pid; `process.kill` in the app. */
export type KillFn = (pid: number, signal: NodeJS.Signals) => void;

/**
 * The supervisor's Launcher on Electron (DESIGN.md "Processes", DECISIONS "utilityProcess
 * channel"): children are `utilityProcess.fork`s. A utility process accepts no extra fd, so
 * the child writes its frames as JSON lines to stdout, read here by the bounded framer, and
 * the host's frames go down by `postMessage`. Security: the host never listens to the
 * child's `parentPort` messages, whose size Electron does not let us bound before they are
 * deserialised.
 */
export class UtilityLauncher implements Launcher {
  /** Utility processes are Chromium services: bubblewrap/sandbox-exec cannot wrap them. */
  readonly isolation = 'none' as const;
  readonly isolationNote = 'isolation: none (Electron utility processes run as your user; see SECURITY.md)';

  constructor(
    private readonly utility: UtilityProcessPort,
    private readonly killPid: KillFn = (pid, signal) => process.kill(pid, signal),
  ) {}

  launch(spec: LaunchSpec): LaunchedChild {
    const framed = spec.channel !== false;
    const child = this.utility.fork(spec.modulePath, [...(spec.args ?? [])], {
      // Security: exactly the allow-listed env (plus the channel's name); nothing inherited implicitly.
      env: framed ? { ...spec.env, [CHILD_CHANNEL_ENV]: 'stdout' } : { ...spec.env },
      execArgv: [...(spec.execArgv ?? [])],
      stdio: 'pipe',
      serviceName: `KeyBroker ${spec.name}`,
    });
    const logListeners = new Set<(line: string) => void>();
    const logStreams = framed ? [child.stderr] : [child.stdout, child.stderr];
    for (const stream of logStreams) {
      if (!stream) continue;
      // Bounded per line: a child cannot make the host buffer without end (child-log-lines.ts).
      readChildLogLines(stream, (line) => {
        for (const l of logListeners) l(line);
      });
    }
    const messages = new Emitter<unknown>();
    const violations = new Emitter<ChannelViolation>();
    let violated = false;
    if (framed && child.stdout) {
      readChildFrames(child.stdout as Readable, {
        onFrame: (m) => messages.fire(m),
        onViolation: (v) => {
          violated = true;
          violations.fire(v);
        },
      });
    }
    let exited = false;
    // The pid is gone once the child exited; remember the first one for kill().
    const pid = child.pid;
    child.on('exit', () => {
      exited = true;
    });
    return {
      get pid() {
        return exited ? undefined : (child.pid ?? pid);
      },
      send(message) {
        if (!exited && !violated) child.postMessage(message);
      },
      onMessage: (listener) => messages.event(listener),
      onViolation: (listener) => violations.event(listener),
      onExit(listener) {
        // utilityProcess reports only a code; a signal death shows as a non-zero code.
        const l = (code: number) => listener(code, null);
        child.on('exit', l);
        return toDisposable(() => child.removeListener('exit', l));
      },
      onLog(listener) {
        logListeners.add(listener);
        return toDisposable(() => logListeners.delete(listener));
      },
      kill: (signal) => {
        if (exited) return;
        // UtilityProcess.kill() only sends SIGTERM; SIGKILL (after graceMs) goes by pid.
        if (signal === 'SIGTERM' || pid === undefined) child.kill();
        else this.killPid(pid, signal);
      },
    };
  }
}
