import type { HostStatus } from '../../base/contracts/broker-status.js';
import { api, errorText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { labelled, say, statusLine, type Section } from './section.js';

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Current unlocks and sessions, each with Lock; plus Lock all. Live via onStatusChanged. */
export const unlocksSection: Section = {
  id: 'unlocks',
  title: 'Unlocks & sessions',
  render(root) {
    const status = statusLine();
    const table = h('div', {});
    const lock = async (target?: string) => {
      try {
        const r = await api().lock(target);
        say(status, r.locked.length ? `Locked ${r.locked.join(', ')}.` : 'Nothing was unlocked.');
        draw(await api().getStatus());
      } catch (e) {
        say(status, errorText(e), true);
      }
    };
    const draw = (s: HostStatus) => replaceChildren(table, s.endpoints.length === 0 ? h('p', { class: 'muted' }, 'No endpoints.') :
      h('div', { class: 'table-scroll' }, h('table', { 'aria-label': 'Unlocks and sessions' },
        h('thead', {}, h('tr', {}, ...['Endpoint', 'State', 'Session', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...s.endpoints.map((e) => h('tr', { 'data-endpoint': e.id },
          h('td', {}, e.id),
          h('td', { 'data-field': 'lock' }, e.lock === 'locked' ? 'locked' : e.lock === 'once' ? 'unlocked once' : `unlocked until ${e.unlockedUntil ? time(e.unlockedUntil) : '?'}`),
          h('td', {}, e.session ? `logged in, token until ${time(e.session.expiresAt)}` : '—'),
          h('td', {}, e.lock === 'locked' ? null : h('button', { type: 'button', 'aria-label': `Lock ${e.id}`, onclick: () => void lock(e.id) }, 'Lock'))))))));
    const onSleep = h('input', { type: 'checkbox' });
    onSleep.addEventListener('change', () => {
      api().setPowerSettings({ lockOnScreenLock: onSleep.checked }).then(
        (s) => say(status, s.lockOnScreenLock ? 'Screen lock and sleep will lock everything.' : 'Screen lock and sleep no longer lock anything.'),
        (e: unknown) => say(status, errorText(e), true));
    });
    replaceChildren(root, h('h1', {}, 'Unlocks & sessions'), table,
      h('button', { type: 'button', class: 'danger', onclick: () => void lock(undefined) }, 'Lock all'),
      h('p', {}, ...labelled('lock-on-sleep', 'Lock everything when the screen locks or the computer sleeps ', onSleep)), status);
    api().getPowerSettings().then((s) => {
      onSleep.checked = s.lockOnScreenLock;
    }, () => undefined);
    const off = api().onStatusChanged(draw);
    api().getStatus().then(draw, (e: unknown) => say(status, errorText(e), true));
    return off;
  },
};
