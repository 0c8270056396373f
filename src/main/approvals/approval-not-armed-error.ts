import { CoreError } from '../../base/errors/core-error.js';

/** The popup allowed a request before it had been on screen for the arming delay (D173). */
export class ApprovalNotArmedError extends CoreError {
  override readonly name = 'ApprovalNotArmedError' as const;
  readonly code = 'CORE_APPROVAL_NOT_ARMED' as const;
  constructor() {
    super('this request was allowed before it could be read; read it, then click again');
  }
}
