import { matchesAuditFilter, type AuditFilterInput } from '../../base/audit-filter.js';
import type { AuditRecord } from '../../base/contracts/audit-event.js';
import { sanitizeText } from '../../base/sanitize-text.js';
import { api, errorText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { auditDetails } from './audit-details.js';
import { labelled, say, statusLine, type Section } from './section.js';

/** Events offered in the filter (the common ones; the text box finds the rest). */
const EVENTS = ['unlock.requested', 'unlock.approved', 'unlock.denied', 'unlock.expired', 'session.login', 'session.logout', 'session.failed',
  'token.granted', 'token.denied', 'tool.called', 'tool.approved', 'tool.denied', 'tool.failed', 'child.started', 'child.exited', 'child.restarted', 'gateway.rejected', 'config.changed'];

/** The most rows the live tail keeps on screen. */
const MAX_ROWS = 1000;

function recordRow(r: AuditRecord): HTMLTableRowElement {
  // Security: client, tool and reason come from peers and upstreams; the shared sanitizer strips bidi and controls.
  // The last cell also names an unlock's servers and an unbound password (auditDetails).
  const cell = (text: string | undefined) => h('td', {}, sanitizeText(text ?? '', { maxChars: 500 }));
  return h('tr', {}, cell(r.ts.replace('T', ' ').slice(0, 19)), cell(r.event), cell(r.endpoint),
    cell(r.client), cell(r.tool ?? r.server), cell(r.outcome ?? r.code), cell(auditDetails(r)));
}

/** The audit log with filters and a live tail. */
export const auditSection: Section = {
  id: 'audit',
  title: 'Audit log',
  render(root) {
    const status = statusLine();
    const event = h('select', {}, h('option', { value: '' }, 'All events'), ...EVENTS.map((e) => h('option', { value: e }, e)));
    const endpoint = h('input', { type: 'text', placeholder: 'any', size: 10 });
    const text = h('input', { type: 'search', placeholder: 'client, tool, reason…' });
    const live = h('input', { type: 'checkbox', checked: true });
    const tbody = h('tbody', {});
    const filter = (): AuditFilterInput => ({
      ...(event.value ? { event: event.value } : {}),
      ...(endpoint.value.trim() ? { endpoint: endpoint.value.trim() } : {}),
      ...(text.value.trim() ? { text: text.value.trim() } : {}),
    });
    const load = async () => {
      try {
        const records = await api().queryAudit({ ...filter(), limit: 500 } as Parameters<ReturnType<typeof api>['queryAudit']>[0]);
        replaceChildren(tbody, ...records.map(recordRow));
        say(status, `${records.length} record(s).`);
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    for (const c of [event, endpoint, text]) c.addEventListener('change', () => void load());
    text.addEventListener('input', () => void load());
    const off = api().onAuditAppended((r) => {
      if (!live.checked || !matchesAuditFilter(r, filter())) return;
      tbody.appendChild(recordRow(r));
      while (tbody.rows.length > MAX_ROWS) tbody.deleteRow(0);
    });
    replaceChildren(root, h('h1', {}, 'Audit log'),
      h('div', { class: 'filters', role: 'search' }, ...labelled('audit-event', 'Event', event), ...labelled('audit-endpoint', 'Endpoint', endpoint),
        ...labelled('audit-text', 'Contains', text), ...labelled('audit-live', 'Live tail', live)),
      // Seven columns do not fit a narrow window: the table scrolls sideways inside its own box.
      h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Audit records, scrollable' }, h('table', { class: 'audit', 'aria-label': 'Audit records' },
        h('thead', {}, h('tr', {}, ...['Time (UTC)', 'Event', 'Endpoint', 'Client', 'Tool / server', 'Outcome', 'Details'].map((c) => h('th', { scope: 'col' }, c)))), tbody)),
      status);
    void load();
    return off;
  },
};
