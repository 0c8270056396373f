import type { Isolation } from '../../../base/contracts/child-channel.js';
import type { SnapshotFile } from '../module-snapshot.js';

/** A command line about to be spawned for a child. */
export interface ChildCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The child's entry module; the sandbox makes its package readable. */
  readonly modulePath: string;
  /**
   * The only files of its own the child reads (a built-in server's bundle, entry and code
   * cache). When given, the sandbox makes exactly these readable instead of the module's
   * package (which holds `node_modules`, the keyring's native module among them) and any
   * `node_modules` around it (KeyBroker installed as a project's dependency).
   */
  readonly reads?: readonly string[];
  /** Folders the child must never see even inside something the sandbox binds (the host's home). */
  readonly hide?: readonly string[];
  /**
   * Files as the host read and hashed them (a config.json server's module and package.json,
   * D2-modulebytes): a sandbox that can mounts these bytes at their paths, so the child runs
   * what was approved even if the files on disk are rewritten after they were read.
   */
  readonly snapshot?: readonly SnapshotFile[];
}

/** The fd of the first of {@link WrappedCommand.dataFds} (0-2 stdio, 3 the channel, 4 seccomp, 5 info). */
export const FIRST_DATA_FD = 6;

/** The command the launcher really spawns, plus what the sandbox needs on extra fds. */
export interface WrappedCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Bytes to write (then close) on fd 4: bubblewrap's seccomp program. */
  readonly fd4?: Uint8Array;
  /** True when fd 5 carries bubblewrap's `--info-fd` JSON (the sandboxed process's pid). */
  readonly infoFd5?: boolean;
  /** Bytes to write (then close) on fd {@link FIRST_DATA_FD}, 7, …: bubblewrap's `--ro-bind-data` files, in order. */
  readonly dataFds?: readonly Uint8Array[];
}

/**
 * How children are contained (DESIGN.md "Processes"). The launcher asks the sandbox to wrap
 * each child's command line; `isolation` is what `keybroker status` reports.
 */
export interface Sandbox {
  readonly isolation: Isolation;
  /** One line for the host's start-up log: what the children can and cannot reach. */
  readonly note: string;
  wrap(command: ChildCommand): WrappedCommand;
}

/** No containment: the child runs as the host's user with the host's view of the machine. */
export function noSandbox(why: string): Sandbox {
  return {
    isolation: 'none',
    note: `isolation: none (${why}); server children run as your user and could read your keychain`,
    wrap: (c) => ({ file: c.file, args: c.args, env: c.env }),
  };
}
