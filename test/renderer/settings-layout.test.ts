// Every settings page at the window's default (900×640) and minimum (640×480) size, light
// and dark, in Debian's Chromium: nothing is clipped (a control is either inside the visible
// pane or inside a box that scrolls within it), and every page is screenshotted for people to
// look at: into test-results/, or into docs/images/ (what the README shows) with
// UPDATE_SCREENSHOTS=1, so an ordinary test run leaves the repository untouched. Issue 15 item 4.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AuditRecord } from '../../src/base/contracts/audit-event.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { hasChromium, launch, openPage, pageErrors, RESULTS, ROOT } from './renderer-harness.js';

const IMAGES = process.env['UPDATE_SCREENSHOTS'] ? path.join(ROOT, 'docs', 'images') : RESULTS;
/** SETTINGS_WINDOW_OPTIONS' size and minimum size (test/main/windows/create-app-window.test.ts keeps them equal). */
export const SETTINGS_SIZES = {
  default: { width: 900, height: 640 },
  min: { width: 640, height: 480 },
};
const SIZES = SETTINGS_SIZES;
const PAGES = ['endpoints', 'unlocks', 'audit', 'servers', 'http', 'claude', 'cli'] as const;

const at = (h: number, m: number) => Date.UTC(2026, 10, 24, h, m);
const status: HostStatus = {
  host: { running: true, home: '/Users/ann/Library/Application Support/KeyBroker', pid: 4242 },
  endpoints: [
    { id: 'vc-prod', kind: 'vsphere', url: 'https://vcenter-prod-01.datacenter.corp.example.com/sdk', credential: 'endpoint:vc-prod', readOnly: false, lock: 'unlocked', unlockedUntil: at(14, 32), session: { loggedInAt: 0, expiresAt: at(14, 32) } },
    { id: 'vc-lab', kind: 'vsphere', url: 'https://vc-lab.corp.example/sdk', credential: 'endpoint:vc-lab', readOnly: true, lock: 'once' },
    { id: 'p6-prod', kind: 'p6', url: 'https://p6.corp.example/p6ws/restapi', credential: 'endpoint:p6-prod', readOnly: true, lock: 'locked' },
  ],
  children: [{ name: 'vsphere', kind: 'vsphere', state: 'running', restarts: 0, pid: 4301 }, { name: 'p6', kind: 'p6', state: 'failed', restarts: 5 }],
  pendingApprovals: 0,
};
const endpoints = [
  { id: 'vc-prod', kind: 'vsphere', url: 'https://vcenter-prod-01.datacenter.corp.example.com/sdk', username: 'svc-keybroker@vsphere.local', readOnly: false, ttlSeconds: 1800 },
  { id: 'vc-lab', kind: 'vsphere', url: 'https://vc-lab.corp.example/sdk', username: 'administrator@vsphere.local', readOnly: true, ttlSeconds: 14400 },
  { id: 'p6-prod', kind: 'p6', url: 'https://p6.corp.example/p6ws/restapi', username: 'planner', fields: { database: 'PMDB' }, readOnly: true, ttlSeconds: 5400 },
];
const audit: AuditRecord[] = [
  { ts: '2026-11-24T09:59:58.000Z', event: 'unlock.requested', endpoint: 'vc-prod', client: 'claude-ai', hosts: ['vcenter-prod-01.datacenter.corp.example.com'], unbound: true },
  { ts: '2026-11-24T10:00:00.000Z', event: 'unlock.approved', endpoint: 'vc-prod', client: 'claude-ai', hosts: ['vcenter-prod-01.datacenter.corp.example.com'], reason: 'approved with Touch ID for 30 min' },
  { ts: '2026-11-24T10:00:02.000Z', event: 'session.login', endpoint: 'vc-prod', outcome: 'ok' },
  { ts: '2026-11-24T10:01:00.000Z', event: 'tool.called', endpoint: 'vc-prod', client: 'claude-ai', tool: 'list_vms', outcome: 'ok' },
  { ts: '2026-11-24T10:02:00.000Z', event: 'tool.denied', endpoint: 'vc-prod', client: 'claude-ai', tool: 'power_off_vm', outcome: 'denied', reason: 'denied in the approval popup: web-frontend-07 is a production VM and the change window is closed' },
  { ts: '2026-11-24T10:03:00.000Z', event: 'child.exited', server: 'p6', code: 'exit 1', reason: 'P6 server exited 5 times in 60 s; gave up restarting' },
];
export const SETTINGS_FIXTURE = {
  getPowerSettings: { lockOnScreenLock: true },
  getStatus: status,
  listEndpoints: endpoints,
  queryAudit: audit,
  getHttpSettings: { enabled: true, port: 8765, corsOrigins: ['https://app.example'] },
};

/**
 * Controls that cannot be seen or reached: outside every box that clips them. A control
 * may sit beyond the visible pane only inside a box that scrolls sideways by itself
 * (a table wrapper); the pane (main) itself must never need a sideways scroll.
 */
async function clipped(page: Page): Promise<string[]> {
  // A string, not a function: tsx's transform would inject helpers (__name) the page lacks.
  return page.evaluate(CLIPPED_SOURCE) as Promise<string[]>;
}
const CLIPPED_SOURCE = `(() => {
  const doc = document;
  const problems = [];
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' "' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30) + '"';
  if (doc.documentElement.scrollWidth > doc.documentElement.clientWidth) problems.push('the page scrolls sideways (' + doc.documentElement.scrollWidth + ' > ' + doc.documentElement.clientWidth + ')');
  const main = doc.querySelector('main');
  if (main.scrollWidth > main.clientWidth + 1) problems.push('the pane scrolls sideways (' + main.scrollWidth + ' > ' + main.clientWidth + ')');
  for (const el of doc.querySelectorAll('main button, main input, main select, main textarea, main th, main h1, main h2, nav button')) {
    if (getComputedStyle(el).display === 'none' || el.getBoundingClientRect().width === 0) continue;
    const box = el.getBoundingClientRect();
    const paneEl = el.closest('main, nav');
    let scroller = el.parentElement;
    while (scroller && scroller !== paneEl && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
    const inOwnScroller = scroller && scroller !== paneEl;
    const limit = (inOwnScroller ? scroller : paneEl).getBoundingClientRect();
    // Inside its own scroller a control may be scrolled out of view, but the scroller must sit in the pane.
    if (inOwnScroller) {
      const pane = paneEl.getBoundingClientRect();
      if (limit.right > pane.right + 1 || limit.left < pane.left - 1) problems.push('the scroller around ' + name(el) + ' sticks out of the pane');
    } else if (box.right > limit.right + 1 || box.left < limit.left - 1) {
      problems.push(name(el) + ' is cut off (' + Math.round(box.left) + '-' + Math.round(box.right) + ' outside ' + Math.round(limit.left) + '-' + Math.round(limit.right) + ')');
    }
    if (!inOwnScroller && box.right > innerWidth + 1) problems.push(name(el) + ' is outside the window');
  }
  return problems;
})()`;

describe('settings layout (Chromium)', { skip: hasChromium ? false : 'skipped: no /usr/bin/chromium' }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
    fs.mkdirSync(IMAGES, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      it(`every page fits at the ${size} size (${viewport.width}×${viewport.height}), ${scheme}`, async () => {
        const page = await openPage(browser, 'settings', SETTINGS_FIXTURE, viewport, { colorScheme: scheme });
        const problems: string[] = [];
        try {
          for (const id of PAGES) {
            await page.getByRole('tab').and(page.locator(`[data-section="${id}"]`)).click();
            await page.locator('main h1').waitFor();
            if (id === 'endpoints') await page.getByRole('row', { name: /vc-prod/ }).waitFor();
            if (id === 'audit') await page.getByRole('row', { name: /power_off_vm/ }).waitFor();
            if (id === 'servers' || id === 'unlocks') await page.locator('main table').waitFor();
            await page.screenshot({ path: path.join(IMAGES, `settings-${id}-${size}-${scheme}.png`) });
            problems.push(...(await clipped(page)).map((p) => `${id}: ${p}`));
          }
          assert.deepEqual(problems, [], `at ${size}, ${scheme}`);
          assert.deepEqual(pageErrors(page), []);
        } finally {
          await page.context().close();
        }
      });
    }
  }
});
