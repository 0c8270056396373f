import { CoreError } from '../../base/errors/core-error.js';

/** `keybroker approve ID` named no pending approval. */
export class ApprovalNotFoundError extends CoreError {
  override readonly name = 'ApprovalNotFoundError' as const;
  readonly code = 'CORE_APPROVAL_NOT_FOUND' as const;
  constructor(id: string) {
    super(`no pending approval "${id.slice(0, 16)}"; it may have timed out or been answered; run 'keybroker approvals' to list them`);
  }
}
