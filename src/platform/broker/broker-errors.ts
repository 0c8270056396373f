import { CoreError } from '../../base/errors/core-error.js';

/** `keybroker approve ID` named no pending approval. */
export class ApprovalNotFoundError extends CoreError {
  override readonly name = 'ApprovalNotFoundError' as const;
  readonly code = 'CORE_APPROVAL_NOT_FOUND' as const;
  constructor(id: string) {
    super(`no pending approval "${id.slice(0, 16)}"; it may have timed out or been answered; run 'keybroker approvals' to list them`);
  }
}

/** `keybroker lock NAME` named nothing we know. */
export class LockTargetNotFoundError extends CoreError {
  override readonly name = 'LockTargetNotFoundError' as const;
  readonly code = 'CORE_LOCK_TARGET_NOT_FOUND' as const;
  constructor(target: string) {
    super(`no endpoint, credential or domain named "${target.slice(0, 64)}"; run 'keybroker endpoint list' to see them`);
  }
}
