import type { Isolation } from '../../base/contracts/child-channel.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { ChannelViolation } from './child-channel.js';
import type { ModuleSnapshot } from './module-snapshot.js';

/** What to start: one MCP server child. */
export interface LaunchSpec {
  /** Server name (`vsphere`), used in logs, status and audit. */
  readonly name: string;
  /** Absolute path of the child's built entry module. */
  readonly modulePath: string;
  /** The only files of its own the child reads, when known (ServerSpec.reads); else its package. */
  readonly reads?: readonly string[];
  readonly args?: readonly string[];
  /** The complete environment (already allow-listed; see buildChildEnv). */
  readonly env: Readonly<Record<string, string>>;
  /** Extra runtime flags (tests use `--import tsx`). */
  readonly execArgv?: readonly string[];
  /**
   * False for a plain command (Electron's `claude install`): no frame channel, stdout is
   * output like stderr. Default true: an MCP server child with a host channel.
   */
  readonly channel?: boolean;
  /**
   * The code a server config.json added was approved for, read once at this start
   * (D2-modulebytes). A launcher whose sandbox can (bubblewrap) runs exactly these bytes at
   * their paths; one that cannot runs the files on disk, read a moment later.
   */
  readonly snapshot?: ModuleSnapshot;
}

/** A started child as its launcher exposes it. */
export interface LaunchedChild {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): Disposable;
  /**
   * The child broke the channel's rules (oversized or endless frame, not JSON, unread
   * backlog). Fires at most once; the channel is already closed and no more messages follow.
   */
  onViolation(listener: (violation: ChannelViolation) => void): Disposable;
  /** Fires once, with the exit code or the signal that ended it. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): Disposable;
  /** Fires for each line the child writes to stdout or stderr. */
  onLog(listener: (line: string) => void): Disposable;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts children (STYLE.md §7). NodeLauncher spawns node (under bubblewrap or sandbox-exec
 * where available) with a dedicated framed pipe; the desktop app uses Electron's
 * `utilityProcess.fork` behind this same interface.
 */
export interface Launcher {
  /** The containment its children run in, as `keybroker status` reports it. */
  readonly isolation: Isolation;
  /** One line saying what that containment means (the host logs it once at start). */
  readonly isolationNote: string;
  /**
   * True when launch() makes node run a snapshot's entry from its bytes (NodeLauncher's preload,
   * D263); absent where the child reads its files itself (Electron's utility processes).
   */
  readonly runsSnapshots?: boolean;
  launch(spec: LaunchSpec): LaunchedChild;
}
