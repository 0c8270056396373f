import { CoreError } from '../../base/errors/core-error.js';

/**
 * A forwarded call that ran for its whole life (D262): the child's progress restarts a
 * call's 10-minute deadline, never this cap. The gateway tells the client in one line and the
 * child gets a cancel.
 */
export class CallLifetimeError extends CoreError {
  override readonly name = 'CallLifetimeError' as const;
  readonly code = 'CORE_CALL_LIFETIME' as const;
  constructor(readonly maxCallMs: number) {
    super(`it ran for ${Math.round(maxCallMs / 60_000)} minutes, the longest one call may run (children.maxCallMinutes in config.json)`);
  }
}
