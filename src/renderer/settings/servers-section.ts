import type { HostStatus } from '../../base/contracts/broker-status.js';
import { api, errorText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { say, statusLine, type Section } from './section.js';

/**
 * A state people can tell apart at a glance: a failed server (the supervisor gave up
 * restarting it) is marked in the danger colour with a word and a symbol, and says what to do.
 */
function stateCell(state: HostStatus['children'][number]['state'], restarts: number): HTMLTableCellElement {
  if (state !== 'failed') return h('td', { 'data-state': state }, state);
  return h('td', { 'data-state': state, class: 'state-failed' }, h('strong', {}, '✕ failed'),
    h('div', {}, `stopped after ${restarts} restart${restarts === 1 ? '' : 's'}; see the Audit log, then Restart`));
}

/** The MCP server children with their state and a Restart button. */
export const serversSection: Section = {
  id: 'servers',
  title: 'Servers',
  render(root) {
    const status = statusLine();
    const table = h('div', {});
    const restart = async (name: string) => {
      try {
        await api().restartServer(name);
        say(status, `Restarted ${name}.`);
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    const isolation = h('p', { 'data-isolation': '' });
    const drawIsolation = (s: HostStatus) => replaceChildren(isolation, s.host.isolation === undefined ? '' :
      `isolation: ${s.host.isolation}${s.host.isolation === 'none' ? ' (servers run as your user and could read your keychain)' : ''}`);
    const draw = (s: HostStatus) => (drawIsolation(s), replaceChildren(table, s.children.length === 0 ? h('p', { class: 'muted' }, 'No servers.') :
      h('div', { class: 'table-scroll' }, h('table', { 'aria-label': 'Servers' },
        h('thead', {}, h('tr', {}, ...['Server', 'State', 'PID', 'Restarts', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...s.children.map((c) => h('tr', { 'data-server': c.name },
          h('td', {}, c.name), stateCell(c.state, c.restarts), h('td', {}, c.pid ?? '—'), h('td', {}, c.restarts),
          h('td', { class: 'row-actions' }, h('div', {}, h('button', { type: 'button', class: c.state === 'failed' ? 'primary' : undefined, 'aria-label': `Restart ${c.name}`, onclick: () => void restart(c.name) }, 'Restart'))))))))));
    replaceChildren(root, h('h1', {}, 'Servers'), isolation, table, status);
    const off = api().onStatusChanged(draw);
    api().getStatus().then(draw, (e: unknown) => say(status, errorText(e), true));
    return off;
  },
};
