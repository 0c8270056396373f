import { CoreError } from '../../base/errors/core-error.js';

/** `keybroker lock NAME` named nothing we know. */
export class LockTargetNotFoundError extends CoreError {
  override readonly name = 'LockTargetNotFoundError' as const;
  readonly code = 'CORE_LOCK_TARGET_NOT_FOUND' as const;
  constructor(target: string) {
    super(`no endpoint, credential or domain named "${target.slice(0, 64)}"; run 'keybroker endpoint list' to see them`);
  }
}
