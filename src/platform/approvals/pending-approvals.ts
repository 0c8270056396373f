import crypto from 'node:crypto';
import type { ApprovalDecision, ApprovalRequest } from '../../base/contracts/approval.js';
import { Emitter } from '../../base/events/emitter.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import type { ApprovalRequester, Approver } from './approver.js';
import { ApprovalNotFoundError } from './approval-not-found-error.js';

interface Pending {
  readonly request: ApprovalRequest;
  readonly resolve: (d: ApprovalDecision) => void;
}

/**
 * The headless Approver: requests wait in a queue until `keybroker approve ID` or
 * `keybroker deny ID` answers them over the control socket.
 */
export class PendingApprovals extends DisposableBase implements Approver {
  private readonly pending = new Map<string, Pending>();
  private readonly _onDidChange = this.register(new Emitter<void>());
  /** Fires when a request is added or answered; the tray and `approvals --follow` redraw. */
  readonly onDidChange = this._onDidChange.event;

  /** A fresh approval id, unique among the pending ones. */
  newId(): string {
    for (;;) {
      const id = crypto.randomBytes(4).toString('hex');
      if (!this.pending.has(id)) return id;
    }
  }

  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
    return new Promise<ApprovalDecision>((resolve) => {
      if (signal.aborted) return resolve('deny');
      const settle = (d: ApprovalDecision) => {
        if (!this.pending.delete(request.id)) return;
        signal.removeEventListener('abort', onAbort);
        resolve(d);
        this._onDidChange.fire();
      };
      const onAbort = () => settle('deny');
      signal.addEventListener('abort', onAbort); // Fires at most once; settle() removes it.
      this.pending.set(request.id, { request, resolve: settle });
      this._onDidChange.fire();
    });
  }

  /** The pending requests, oldest first. */
  list(): ApprovalRequest[] {
    return [...this.pending.values()].map((p) => p.request);
  }

  /**
   * Name another requester on the pending request `id` (its first one stopped waiting): the
   * list, the popup and `keybroker approvals` show who still waits. Same id, same place in the
   * queue. False for an id no longer pending (answered meanwhile): nothing changes.
   */
  retarget(id: string, requester: ApprovalRequester): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.set(id, { request: { ...p.request, client: requester.client, server: requester.server }, resolve: p.resolve });
    this._onDidChange.fire();
    return true;
  }

  /** Answer one request. Unknown or already-answered ids are a clear error. */
  decide(id: string, decision: ApprovalDecision): void {
    const p = this.pending.get(id);
    if (!p) throw new ApprovalNotFoundError(id);
    p.resolve(decision);
  }

  override dispose(): void {
    for (const p of [...this.pending.values()]) p.resolve('deny');
    super.dispose();
  }
}
