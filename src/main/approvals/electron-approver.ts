import type { ApprovalDecision, ApprovalRequest } from '../../base/contracts/approval.js';
import type { ApprovalRequester, Approver } from '../../platform/approvals/approver.js';
import type { PendingApprovals } from '../../platform/approvals/pending-approvals.js';
import { chooseApprovalMethod, touchIdReason, type TouchIdPort } from './touch-id.js';

/** What the approver needs from the desktop app. */
export interface ElectronApproverDeps {
  readonly platform: NodeJS.Platform;
  /** `systemPreferences` on macOS; absent elsewhere. */
  readonly touchId?: TouchIdPort;
  /** The queue the popup (and `keybroker approve`) answers. */
  readonly queue: PendingApprovals;
  /** Show the popup with the current queue; called after a request joined it. */
  readonly showPopup: () => void;
}

/**
 * The desktop Approver (issue 7): Touch ID for unlocks where available, otherwise (and
 * for every tool call) the approval popup fed from the shared PendingApprovals queue.
 */
export class ElectronApprover implements Approver {
  constructor(private readonly deps: ElectronApproverDeps) {}

  async request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
    if (signal.aborted) return 'deny';
    if (chooseApprovalMethod(request, this.deps.platform, this.deps.touchId) === 'touch-id') {
      return this.viaTouchId(request, signal);
    }
    const decision = this.deps.queue.request(request, signal);
    this.deps.showPopup();
    return decision;
  }

  /** A popup request names the requester still waiting; a Touch ID prompt cannot change its text. */
  retarget(id: string, requester: ApprovalRequester): boolean {
    return this.deps.queue.retarget(id, requester);
  }

  private async viaTouchId(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
    // promptTouchID cannot be withdrawn; an abort (timeout, lock) wins the race and denies.
    const aborted = new Promise<ApprovalDecision>((resolve) => signal.addEventListener('abort', () => resolve('deny'), { once: true }));
    const prompted = this.deps.touchId!.promptTouchID(touchIdReason(request)).then(
      () => (signal.aborted ? 'deny' : 'allow-ttl') as ApprovalDecision,
      // Cancel or failure is a refusal; the next request prompts again.
      () => 'deny' as ApprovalDecision,
    );
    return Promise.race([prompted, aborted]);
  }
}
