import type { ApprovalDecision, ApprovalRequest } from '../../base/contracts/approval.js';
import { sanitizeText } from '../../base/sanitize-text.js';
import { api, errorText } from '../api.js';
import { byId, h, replaceChildren } from '../dom.js';
import { approvalView, type ApprovalViewParts } from './approval-view.js';
import { clientLabel } from './client-label.js';
import { ArmingGate } from './arming-gate.js';
import { approvalArmKey } from '../../base/approval-arming.js';
import { countdownText, URGENT_MS } from './countdown.js';
import { createFitter, updateScrollHint } from './fit-to-content.js';

/** What the queue's later entries look like: "power-off-vm · vc1 · claims to be claude-ai". */
function laterLine(r: ApprovalRequest): string {
  const what = r.subject.kind === 'tool' ? sanitizeText(r.subject.tool, { maxChars: 60 }) : r.subject.kind === 'definition' ? 'changed tools' : r.subject.kind === 'policy' ? 'policy rule' : 'unlock';
  return `${what} · ${sanitizeText(r.endpoint, { maxChars: 64 })} · ${clientLabel(r)}`;
}

/**
 * The approval popup page: shows the oldest pending approval, how many wait behind it, and
 * answers it (issues 7, 11). Nothing answers a request before it has been on screen for the
 * arming delay: not a click, not Enter, not Esc. That is what stops a double-click on "Allow
 * once" from also approving the next request, which appears under the pointer. The window is
 * shown inactive by main, so only a deliberate click or focus reaches these buttons.
 */
export function startPopup(): void {
  const root = byId('app');
  let queue: ApprovalRequest[] = [];
  let busy = false;
  let view: ApprovalViewParts | undefined;
  /** approvalArmKey of the request on screen. */
  let shownId: string | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const fitToContent = createFitter();

  const gate = new ArmingGate((fraction, armed) => {
    if (!view) return;
    view.buttons.style.setProperty('--arm', fraction.toFixed(3));
    view.buttons.dataset['armed'] = String(armed);
    for (const b of view.buttons.querySelectorAll('button')) b.setAttribute('aria-disabled', String(!armed));
  });

  const tick = () => {
    const current = queue[0];
    if (!view || !current) return;
    const left = current.expiresAt - Date.now();
    view.countdown.textContent = countdownText(current.expiresAt, Date.now());
    view.countdown.classList.toggle('urgent', left <= URGENT_MS);
  };

  const render = (error?: string) => {
    const current = queue[0];
    if (!current) {
      gate.stop();
      view = undefined;
      shownId = undefined;
      if (ticker !== undefined) clearInterval(ticker);
      ticker = undefined;
      replaceChildren(root, h('p', { class: 'empty' }, 'No approvals waiting.'));
      fitToContent(root, undefined);
      return;
    }
    const later = queue.length > 1
      ? h('section', { class: 'later', 'aria-label': 'Also waiting' }, h('h2', {}, 'Also waiting'), h('ul', {}, ...queue.slice(1).map((r) => h('li', {}, laterLine(r)))))
      : null;
    view = approvalView(current, { index: 0, total: queue.length }, later, (d) => void decide(current.id, d));
    replaceChildren(root, view.root);
    if (error) view.content.prepend(h('p', { class: 'error', role: 'alert' }, sanitizeText(error, { maxChars: 300 })));
    // Security: a request that just appeared (or replaced the one answered) starts unarmed.
    // The same request re-rendered (the queue behind it changed) keeps its progress, so a
    // flood of new requests cannot hold the current one disarmed either.
    // The same request naming another requester (a shared prompt whose requester left) is new too.
    if (approvalArmKey(current) !== shownId) {
      shownId = approvalArmKey(current);
      if (document.visibilityState === 'visible') gate.start(shownId);
      else gate.stop();
    } else {
      gate.refresh();
    }
    ticker ??= setInterval(tick, 250);
    tick();
    fitToContent(root, view);
  };

  const decide = async (id: string, decision: ApprovalDecision) => {
    // Security: a click, Enter or Esc during the arming delay does nothing (issue 11).
    const head = queue[0];
    if (busy || head?.id !== id || !gate.isArmed(approvalArmKey(head))) return;
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
  // A popup that was hidden and comes back re-arms: what is on screen must have been seen.
  document.addEventListener('visibilitychange', () => {
    const current = queue[0];
    if (!current) return;
    if (document.visibilityState === 'visible') gate.start(approvalArmKey(current));
    else gate.stop();
  });
  window.addEventListener('resize', () => {
    if (view) updateScrollHint(view);
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
