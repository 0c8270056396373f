import type { ApprovalDecision, ApprovalRequest } from '../../core/common/contracts/approval.js';
import { h, type Child } from '../dom.js';
import { sanitizeText } from '../../core/common/sanitize-text.js';
import { previewArgs } from '../truncate.js';

const oneLine = (text: string, maxChars = 200): string => sanitizeText(text, { maxChars });

/** "4 h", "30 min", "1 h 30 min" for the Allow button. */
export function durationLabel(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  if (hours && minutes) return `${hours} h ${minutes} min`;
  return hours ? `${hours} h` : `${minutes} min`;
}

function row(label: string, value: Child, testId: string): HTMLElement {
  return h('div', { class: 'row' }, h('dt', {}, label), h('dd', { 'data-field': testId }, value));
}

/**
 * One approval: who asks, for what, and the buttons. All values are set as text, so an
 * argument full of markup shows as markup, never runs (issue 7).
 */
export function approvalView(request: ApprovalRequest, position: { index: number; total: number }, decide: (d: ApprovalDecision) => void): HTMLElement {
  const isUnlock = request.subject.kind === 'unlock';
  const title = isUnlock ? `Unlock ${oneLine(request.endpoint, 64)}?` : `Run ${oneLine(request.subject.kind === 'tool' ? request.subject.tool : '', 80)}?`;
  const rows: HTMLElement[] = [
    row('Client', oneLine(request.client || 'unknown client'), 'client'),
    row('Server', oneLine(request.server), 'server'),
    row('Endpoint', oneLine(request.endpoint), 'endpoint'),
  ];
  let args: HTMLElement | undefined;
  if (request.subject.kind === 'tool') {
    rows.push(row('Tool', oneLine(request.subject.tool), 'tool'));
    const preview = previewArgs(request.subject.argsPreview);
    args = h('section', { class: 'args', 'aria-label': 'Arguments' },
      h('h2', { id: 'args-heading' }, 'Arguments'),
      h('pre', { 'data-field': 'args', tabindex: 0, 'aria-labelledby': 'args-heading' }, preview.text));
  } else if (request.subject.kind === 'unlock') {
    rows.push(row('Credential', oneLine(request.subject.credential), 'credential'));
    rows.push(row('Unlock for', durationLabel(request.subject.ttlSeconds), 'duration'));
  }
  const buttons: HTMLElement[] = [
    h('button', { type: 'button', class: 'deny', 'data-action': 'deny', onclick: () => decide('deny') }, 'Deny'),
    h('button', { type: 'button', 'data-action': 'allow-once', onclick: () => decide('allow-once') }, 'Allow once'),
  ];
  if (request.subject.kind === 'unlock') {
    buttons.push(h('button', { type: 'button', class: 'primary', 'data-action': 'allow-ttl', onclick: () => decide('allow-ttl') }, `Allow for ${durationLabel(request.subject.ttlSeconds)}`));
  }
  return h('article', { class: 'approval', 'data-approval-id': request.id, 'aria-labelledby': 'approval-title' },
    h('header', {},
      h('h1', { id: 'approval-title' }, title),
      position.total > 1 ? h('span', { class: 'queue', 'data-field': 'queue' }, `${position.index + 1} of ${position.total} waiting`) : null),
    h('dl', {}, ...rows),
    args,
    h('p', { class: 'hint' }, 'Esc denies. Request ', h('code', {}, request.id), '.'),
    h('div', { class: 'buttons' }, ...buttons));
}
