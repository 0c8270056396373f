import readline from 'node:readline';
import type { ForkOptions } from 'electron';
import { toDisposable } from '../core/common/lifecycle/disposable.js';
import type { LaunchedChild, LaunchSpec, Launcher } from '../core/node/supervisor/launcher.js';

/** The part of a `UtilityProcess` the launcher uses. */
export interface UtilityChild {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  removeListener(event: 'message', listener: (message: unknown) => void): unknown;
  removeListener(event: 'exit', listener: (code: number) => void): unknown;
}

/** `utilityProcess` (or the fake in tests). */
export interface UtilityProcessPort {
  fork(modulePath: string, args: string[], options: ForkOptions): UtilityChild;
}

/** Sends a signal to a pid; `process.kill` in the app. */
export type KillFn = (pid: number, signal: NodeJS.Signals) => void;

/**
 * The supervisor's Launcher on Electron (DESIGN.md "Processes"): children are
 * `utilityProcess.fork`s and the channel is `parentPort` messages, since a utility
 * process has no IPC pipe like `child_process.fork`.
 */
export class UtilityLauncher implements Launcher {
  constructor(
    private readonly utility: UtilityProcessPort,
    private readonly killPid: KillFn = (pid, signal) => process.kill(pid, signal),
  ) {}

  launch(spec: LaunchSpec): LaunchedChild {
    const child = this.utility.fork(spec.modulePath, [...(spec.args ?? [])], {
      // Security: exactly the allow-listed env; nothing inherited implicitly.
      env: { ...spec.env },
      execArgv: [...(spec.execArgv ?? [])],
      stdio: 'pipe',
      serviceName: `KeyBroker ${spec.name}`,
    });
    const logListeners = new Set<(line: string) => void>();
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        for (const l of logListeners) l(line);
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
        if (!exited) child.postMessage(message);
      },
      onMessage(listener) {
        child.on('message', listener);
        return toDisposable(() => child.removeListener('message', listener));
      },
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
