import { byId, h, replaceChildren } from '../dom.js';
import { auditSection } from './audit-section.js';
import { claudeSection } from './claude-section.js';
import { cliSection } from './cli-section.js';
import { endpointsSection } from './endpoints-section.js';
import { httpSection } from './http-section.js';
import type { Section } from './section.js';
import { serversSection } from './servers-section.js';
import { unlocksSection } from './unlocks-section.js';

const SECTIONS: readonly Section[] = [endpointsSection, unlocksSection, auditSection, serversSection, httpSection, claudeSection, cliSection];

/** The settings window: a vertical tab list and one panel; `#audit` opens that tab, also later. */
export function startSettings(): void {
  const tabs = byId('tabs');
  const panel = byId('panel');
  let cleanup: () => void = () => undefined;
  const buttons = SECTIONS.map((s) => h('button', { type: 'button', role: 'tab', id: `tab-${s.id}`, 'aria-controls': 'panel', 'data-section': s.id, onclick: () => select(s.id) }, s.title));
  const select = (id: string) => {
    const section = SECTIONS.find((s) => s.id === id) ?? SECTIONS[0]!;
    cleanup();
    buttons.forEach((b) => {
      const on = b.dataset['section'] === section.id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    });
    panel.setAttribute('aria-labelledby', `tab-${section.id}`);
    cleanup = section.render(panel);
  };
  // Arrow keys move between tabs (WAI-ARIA tabs pattern).
  tabs.addEventListener('keydown', (e) => {
    const i = buttons.findIndex((b) => b === document.activeElement);
    if (i < 0 || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    e.preventDefault();
    const next = buttons[(i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]!;
    next.focus();
    select(next.dataset['section']!);
  });
  replaceChildren(tabs, ...buttons);
  select(location.hash.slice(1));
  // Main reuses an open window for "Open audit log" by loading settings.html#audit: that only
  // changes the hash (no reload), so follow it here.
  window.addEventListener('hashchange', () => select(location.hash.slice(1)));
}

startSettings();
