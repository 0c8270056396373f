import { CoreError } from './core-error.js';

/** Nothing answers on the control socket: no host runs for this home. */
export class HostNotRunningError extends CoreError {
  override readonly name = 'HostNotRunningError' as const;
  readonly code = 'CORE_HOST_NOT_RUNNING' as const;

  /**
   * `holder`: a live process holds the home's `host.lock` although nothing answers on
   * `socketPath` (a host starting or stopping, or one started with another XDG_RUNTIME_DIR);
   * then "start it" would only meet "already running", so the message says that instead.
   */
  readonly holder: { readonly pid: number; readonly lockFile: string; readonly socketPath: string } | undefined;

  constructor(options?: { cause?: unknown; holder?: { readonly pid: number; readonly lockFile: string; readonly socketPath: string } }) {
    const h = options?.holder;
    super(
      h === undefined
        ? 'KeyBroker is not running; start it with `keybroker serve` (or the menu-bar app)'
        : `KeyBroker (pid ${h.pid}, lock ${h.lockFile}) does not answer on ${h.socketPath}: it is starting or stopping, or runs with another XDG_RUNTIME_DIR; retry in a moment or with the host's environment, and if no KeyBroker runs, delete ${h.lockFile}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.holder = h;
  }
}
