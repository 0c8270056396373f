import type { ToolPlan } from '../../core/common/contracts/approval.js';
import { sanitizeText } from '../../core/common/sanitize-text.js';
import { h } from '../dom.js';

/** At most this many change rows are drawn; the rest are counted (the plan allows 500). */
export const MAX_PLAN_ROWS = 50;

const text = (value: string | undefined, maxChars: number): string => (value === undefined ? '' : sanitizeText(value, { maxChars }));

/**
 * The plan's before → after table (issue 11): one row per changed field, grouped by object.
 * A value that does not exist yet or will be removed shows as "—", styled as such. Every
 * value went through the shared sanitizer: plans are written from upstream data.
 */
export function planTable(plan: ToolPlan): HTMLElement | null {
  if (plan.changes.length === 0) return null;
  const rows = plan.changes.slice(0, MAX_PLAN_ROWS).map((c, i, all) => {
    const sameObject = i > 0 && all[i - 1]!.object === c.object;
    return h('tr', { 'data-change': i },
      h('th', { scope: 'row', class: sameObject ? 'object repeat' : 'object' }, sameObject ? '' : text(c.object, 120)),
      h('td', { class: 'field' }, text(c.field, 80)),
      h('td', { class: c.before === undefined ? 'before absent' : 'before' }, c.before === undefined ? '—' : text(c.before, 200)),
      h('td', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
      h('td', { class: c.after === undefined ? 'after absent' : 'after' }, c.after === undefined ? '—' : text(c.after, 200)));
  });
  const hidden = plan.changes.length - rows.length;
  return h('table', { class: 'plan', 'data-field': 'plan', 'aria-label': 'What will change' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Object'), h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Now'),
      h('th', { scope: 'col', 'aria-label': 'becomes' }, ''), h('th', { scope: 'col' }, 'After'))),
    h('tbody', {}, ...rows),
    hidden > 0 ? h('tfoot', {}, h('tr', {}, h('td', { colspan: 5 }, `… and ${hidden} more change${hidden === 1 ? '' : 's'} (see the arguments)`))) : null);
}
