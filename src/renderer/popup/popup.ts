import type { ApprovalDecision, ApprovalRequest } from '../../core/common/contracts/approval.js';
import { api, errorText } from '../api.js';
import { byId, h, replaceChildren } from '../dom.js';
import { approvalView } from './approval-view.js';

/**
 * The approval popup page: shows the oldest pending approval, how many wait behind it,
 * and answers it. Esc denies (issue 7). The window is shown inactive by main, so only a
 * deliberate click or focus reaches these buttons.
 */
export function startPopup(): void {
  const root = byId('app');
  let queue: ApprovalRequest[] = [];
  let busy = false;

  const render = (error?: string) => {
    const current = queue[0];
    if (!current) {
      replaceChildren(root, h('p', { class: 'empty' }, 'No approvals waiting.'));
      return;
    }
    const view = approvalView(current, { index: 0, total: queue.length }, (d) => void decide(current.id, d));
    replaceChildren(root, view, error ? h('p', { class: 'error', role: 'alert' }, error) : null,
      queue.length > 1 ? h('ul', { class: 'later', 'aria-label': 'Also waiting' }, ...queue.slice(1).map((r) => h('li', {}, `${r.subject.kind === 'tool' ? r.subject.tool : 'unlock'} · ${r.endpoint} · ${r.client || 'unknown'}`))) : null);
  };

  const decide = async (id: string, decision: ApprovalDecision) => {
    if (busy) return;
    busy = true;
    try {
      await api().decideApproval(id, decision);
      queue = queue.filter((r) => r.id !== id);
      render();
    } catch (e) {
      render(errorText(e));
    } finally {
      busy = false;
    }
  };

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && queue[0]) {
      e.preventDefault();
      void decide(queue[0].id, 'deny');
    }
  });
  api().onApprovalsChanged((list) => {
    queue = list;
    render();
  });
  api().listApprovals().then((list) => {
    queue = list;
    render();
  }, (e: unknown) => render(errorText(e)));
}

startPopup();
