import type { ApprovalDecision, ApprovalRequest } from '../../base/contracts/approval.js';

/**
 * Asks the user to allow something (DESIGN.md "Unlock"; STYLE.md §9). Implementations:
 * the headless PendingApprovals (answered by `keybroker approve`), and in the desktop app
 * Touch ID or the approval popup. All sit behind this one interface.
 */
export interface Approver {
  /**
   * Resolve with the user's decision. When `signal` aborts (prompt timeout, lock, shutdown)
   * the prompt must be withdrawn and the promise resolve to 'deny'.
   */
  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision>;
}
