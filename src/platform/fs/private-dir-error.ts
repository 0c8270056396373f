import { CoreError } from '../../base/errors/core-error.js';

/**
 * A folder KeyBroker keeps private (its home, the short socket folder) cannot be used as
 * one: something else is at that path, another user owns it, or it cannot be created or
 * tightened. Issue 10 item 9: a planted or foreign runtime folder gets this one line, which
 * says what to do, instead of "unexpected error, please report it".
 */
export class PrivateDirError extends CoreError {
  override readonly name = 'PrivateDirError' as const;
  readonly code = 'CORE_PRIVATE_DIR' as const;
}
