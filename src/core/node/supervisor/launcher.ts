import type { Disposable } from '../../common/lifecycle/disposable.js';

/** What to start: one MCP server child. */
export interface LaunchSpec {
  /** Server name (`vsphere`), used in logs, status and audit. */
  readonly name: string;
  /** Absolute path of the child's built entry module. */
  readonly modulePath: string;
  readonly args?: readonly string[];
  /** The complete environment (already allow-listed; see buildChildEnv). */
  readonly env: Readonly<Record<string, string>>;
  /** Extra runtime flags (tests use `--import tsx`). */
  readonly execArgv?: readonly string[];
}

/** A started child as its launcher exposes it. */
export interface LaunchedChild {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): Disposable;
  /** Fires once, with the exit code or the signal that ended it. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): Disposable;
  /** Fires for each line the child writes to stdout or stderr. */
  onLog(listener: (line: string) => void): Disposable;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts children (STYLE.md §7). NodeLauncher uses `child_process.fork`; the desktop app
 * uses Electron's `utilityProcess.fork` behind this same interface.
 */
export interface Launcher {
  launch(spec: LaunchSpec): LaunchedChild;
}
