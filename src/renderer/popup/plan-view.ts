import type { ToolPlan } from '../../base/contracts/approval.js';
import { sanitizeText } from '../../base/sanitize-text.js';
import { h } from '../dom.js';

/** At most this many change rows are drawn; the rest are counted (the plan allows 500). */
export const MAX_PLAN_ROWS = 50;

const text = (value: string | undefined, maxChars: number): string => (value === undefined ? '' : sanitizeText(value, { maxChars }));

/**
 * The plan's before → after table (issue 11): one group per object (its name as the group's
 * heading), one row per changed field. A value that does not exist yet or will be removed
 * shows as "—", styled as such. Every value went through the shared sanitizer: plans are
 * written from upstream data.
 */
export function planTable(plan: ToolPlan): HTMLElement | null {
  if (plan.changes.length === 0) return null;
  const shown = plan.changes.slice(0, MAX_PLAN_ROWS);
  const groups: HTMLElement[] = [];
  let rows: HTMLElement[] = [];
  shown.forEach((c, i) => {
    if (i === 0 || shown[i - 1]!.object !== c.object) {
      rows = [h('tr', { class: 'group' }, h('th', { scope: 'rowgroup', colspan: 4, class: 'object' }, text(c.object, 160)))];
      groups.push(h('tbody', {}));
    }
    rows.push(h('tr', { 'data-change': i },
      h('th', { scope: 'row', class: 'field' }, text(c.field, 80)),
      h('td', { class: c.before === undefined ? 'before absent' : 'before' }, c.before === undefined ? '—' : text(c.before, 200)),
      h('td', { class: 'arrow', 'aria-label': 'becomes' }, '→'),
      h('td', { class: c.after === undefined ? 'after absent' : 'after' }, c.after === undefined ? '—' : text(c.after, 200))));
    groups.at(-1)!.replaceChildren(...rows);
  });
  const hidden = plan.changes.length - shown.length;
  return h('table', { class: 'plan', 'data-field': 'plan', 'aria-label': 'What will change' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Now'), h('td', {}), h('th', { scope: 'col' }, 'After'))),
    ...groups,
    hidden > 0 ? h('tfoot', {}, h('tr', {}, h('td', { colspan: 4 }, `… and ${hidden} more change${hidden === 1 ? '' : 's'} (see the raw arguments)`))) : null);
}
