import { CoreError } from './core-error.js';

/** Nothing answers on the control socket: no host runs for this home. */
export class HostNotRunningError extends CoreError {
  override readonly name = 'HostNotRunningError' as const;
  readonly code = 'CORE_HOST_NOT_RUNNING' as const;

  constructor(options?: { cause?: unknown }) {
    super('KeyBroker is not running; start it with `keybroker serve` (or the menu-bar app)', options);
  }
}
