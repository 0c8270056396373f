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
  /**
   * The pending request `id` now asks on behalf of `requester`: the one it named stopped
   * waiting and another still waits (a shared unlock prompt, D186). Shown prompts say so
   * where they can. True when the request was still pending and now names `requester`; false
   * when it was answered meanwhile or cannot change (Touch ID keeps its text), so the caller
   * keeps recording the requester the person saw.
   */
  retarget?(id: string, requester: ApprovalRequester): boolean;
}

/** Who a prompt names as asking: the MCP client (as it names itself) and the server child. */
export type ApprovalRequester = Pick<ApprovalRequest, 'client' | 'server'>;
