import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AuditRecord } from '../../src/base/contracts/audit-event.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { calls, hasChromium, launch, openPage, pageErrors, screenshot } from './renderer-harness.js';
import { contrastRatio, parseCssColor } from './contrast.js';

// Browser globals used inside page.evaluate callbacks (this file is type-checked without the DOM lib).
declare const getComputedStyle: (el: unknown) => { color: string; backgroundColor: string; fontSize: string };
declare const location: { hash: string };

const status: HostStatus = {
  host: { running: true, home: '/h', pid: 1, isolation: 'none' },
  endpoints: [
    { id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', credential: 'endpoint:vc1', readOnly: false, lock: 'unlocked', unlockedUntil: Date.UTC(2026, 10, 24, 14, 32), session: { loggedInAt: 0, expiresAt: Date.UTC(2026, 10, 24, 14, 32) } },
    { id: 'p6-prod', kind: 'p6', url: 'https://p6.corp.example/p6ws', credential: 'endpoint:p6-prod', readOnly: true, lock: 'locked' },
  ],
  children: [{ name: 'vsphere', kind: 'vsphere', state: 'running', restarts: 0, pid: 42 }, { name: 'p6', kind: 'p6', state: 'failed', restarts: 5 }],
  pendingApprovals: 0,
};
const audit: AuditRecord[] = [
  { ts: '2026-11-24T10:00:00.000Z', event: 'unlock.approved', endpoint: 'vc1', client: 'claude-ai' },
  { ts: '2026-11-24T10:01:00.000Z', event: 'tool.called', endpoint: 'vc1', client: 'claude-ai', tool: 'list-vms', outcome: 'ok' },
];
const base = {
  getPowerSettings: { lockOnScreenLock: true },
  getStatus: status,
  listEndpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'admin@vsphere.local', readOnly: false, ttlSeconds: 14400 }],
  queryAudit: audit,
  getHttpSettings: { enabled: false, port: 0, corsOrigins: [] },
};
const open = (browser: Browser, extra: Record<string, unknown> = {}) => openPage(browser, 'settings', { ...base, ...extra }, { width: 900, height: 640 });
const callsNamed = async (page: Page, name: string) => (await calls(page)).filter((c) => c.name === name).map((c) => c.args);

describe('settings window (Chromium)', { skip: hasChromium ? false : 'skipped: no /usr/bin/chromium' }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('adds an endpoint: the password goes to the API once and the field is cleared', async () => {
    const page = await open(browser, { addEndpoint: { id: 'vc2' } });
    await page.getByRole('row', { name: /vc1/ }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('vc2');
    await page.getByLabel('Kind').selectOption('vsphere');
    await page.getByLabel('URL', { exact: true }).fill('https://vc2.corp.example');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('s3cret!');
    await page.getByLabel('Unlock for').selectOption({ label: '2 h' });
    await page.getByLabel('Read-only').check();
    await screenshot(page, 'settings-endpoints');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('status').filter({ hasText: 'Added endpoint vc2.' }).waitFor();
    assert.deepEqual(await callsNamed(page, 'addEndpoint'), [[{ id: 'vc2', kind: 'vsphere', url: 'https://vc2.corp.example', username: 'admin', readOnly: true, ttlSeconds: 7200, password: 's3cret!' }]]);
    assert.equal(await page.getByLabel('Password').inputValue(), '');
    assert.equal(await page.evaluate(() => JSON.stringify(Object.entries((globalThis as unknown as { localStorage: Record<string, string> }).localStorage))), '[]');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('a save whose keychain write failed shows the warning it answered, as an error (C2-tidy)', async () => {
    const warning = "Saved endpoint vc1, but the keychain refused the password's last write (keyring is locked); keychain item endpoint:vc1 still holds the replaced password beside the new one. Unlock or fix the keychain, then type the password again and save (the next successful unlock also finishes it).";
    const page = await open(browser, { editEndpoint: { id: 'vc1', warning } });
    await page.getByRole('button', { name: 'Edit vc1' }).click();
    await page.getByLabel('Password').fill('typed-again');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const status = page.getByRole('status').filter({ hasText: 'the keychain refused' });
    await status.waitFor();
    assert.equal(await status.innerText(), warning, 'the page shows the warning as main wrote it');
    assert.match(await status.getAttribute('class') ?? '', /\berror\b/, 'shown as an error, not as "Saved endpoint vc1."');
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password field is emptied all the same');
    await page.context().close();
  });

  it('Test connection sends the typed form and shows the result', async () => {
    const page = await open(browser, { testEndpoint: { ok: false, message: 'login rejected' } });
    await page.getByLabel('Name', { exact: true }).fill('vc3');
    await page.getByLabel('URL', { exact: true }).fill('https://vc3.corp.example');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('pw');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('status').filter({ hasText: 'Connection failed: login rejected' }).waitFor();
    assert.equal((await callsNamed(page, 'testEndpoint')).length, 1);
    await page.context().close();
  });

  it('locks one endpoint and all from Unlocks & sessions', async () => {
    const page = await open(browser, { lock: { locked: ['endpoint:vc1'] }, setPowerSettings: { lockOnScreenLock: false } });
    await page.getByRole('tab', { name: 'Unlocks & sessions' }).click();
    await page.getByRole('row', { name: /unlocked until/ }).waitFor();
    await screenshot(page, 'settings-unlocks');
    await page.getByRole('button', { name: 'Lock vc1' }).click();
    await page.getByRole('status').filter({ hasText: 'Locked endpoint:vc1.' }).waitFor();
    await page.getByRole('button', { name: 'Lock all' }).click();
    assert.deepEqual(await callsNamed(page, 'lock'), [['vc1'], [null]]);
    const onSleep = page.getByLabel('Lock everything when the screen locks or the computer sleeps');
    assert.equal(await onSleep.isChecked(), true);
    await onSleep.uncheck();
    await page.getByRole('status').filter({ hasText: 'no longer lock' }).waitFor();
    assert.deepEqual(await callsNamed(page, 'setPowerSettings'), [[{ lockOnScreenLock: false }]]);
    await page.context().close();
  });

  it('filters the audit log and tails new records that match', async () => {
    const page = await open(browser);
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByRole('row', { name: /list-vms/ }).waitFor();
    await page.getByLabel('Event').selectOption('tool.called');
    await page.waitForFunction(() => (globalThis as unknown as { __calls: { name: string }[] }).__calls.filter((c) => c.name === 'queryAudit').length >= 2);
    const queries = await callsNamed(page, 'queryAudit');
    assert.deepEqual(queries.at(-1), [{ event: 'tool.called', limit: 500 }]);
    const tail = (r: AuditRecord) => page.evaluate((rec) => (globalThis as unknown as { __emit: (e: string, p: unknown) => void }).__emit('audit:appended', rec), r);
    const before = await page.locator('table.audit tbody tr').count();
    await tail({ ts: '2026-11-24T10:02:00.000Z', event: 'unlock.denied', endpoint: 'vc1' });
    await tail({ ts: '2026-11-24T10:03:00.000Z', event: 'tool.called', endpoint: 'vc1', tool: 'power-on-vm<script>' });
    await page.getByRole('row', { name: /power-on-vm<script>/ }).waitFor();
    assert.equal(await page.locator('table.audit tbody tr').count(), before + 1);
    await screenshot(page, 'settings-audit');
    await page.context().close();
  });

  it('an unlock row names the servers its password goes to, and says when the password was not yet bound (D197, D234)', async () => {
    const unlocks: AuditRecord[] = [
      { ts: '2026-11-24T10:00:00.000Z', event: 'unlock.requested', endpoint: 'pm', credential: 'endpoint:pm', hosts: ['p6.corp.example'], unbound: true, client: 'claude-ai', approvalId: 'a1' },
      { ts: '2026-11-24T10:00:05.000Z', event: 'unlock.approved', endpoint: 'pm', credential: 'endpoint:pm', hosts: ['p6.corp.example'], client: 'claude-ai', approvalId: 'a1' },
    ];
    const page = await open(browser, { queryAudit: unlocks });
    await page.getByRole('tab', { name: 'Audit log' }).click();
    const details = (event: string) => page.getByRole('row', { name: new RegExp(event.replace('.', '\\.')) }).getByRole('cell').nth(6).innerText();
    await page.getByRole('row', { name: /unlock\.approved/ }).waitFor();
    assert.equal(await page.getByRole('columnheader').nth(6).innerText(), 'Details', 'the last column holds the details, not only a reason');
    assert.equal(await details('unlock.requested'), 'for p6.corp.example; password not yet bound to a server', 'the request names the server and that the password was unbound');
    assert.equal(await details('unlock.approved'), 'for p6.corp.example', 'the answer names the server only: the binding is the request\'s news');
    // The live tail says the same, with every host, and a reason after them.
    await page.evaluate((rec) => (globalThis as unknown as { __emit: (e: string, p: unknown) => void }).__emit('audit:appended', rec),
      { ts: '2026-11-24T10:01:00.000Z', event: 'unlock.denied', endpoint: 'vc1', credential: 'domain:corp.example', hosts: ['vc1.corp.example', 'vc2.corp.example'], reason: 'denied in the approval popup' } satisfies AuditRecord);
    await page.getByRole('row', { name: /unlock\.denied/ }).waitFor();
    assert.equal(await details('unlock.denied'), 'for vc1.corp.example, vc2.corp.example; denied in the approval popup', 'a tailed row names every server, then the reason');
    // D250: a server config.json added is named as such, with its command, as `keybroker audit` prints `command=` (D4-tidy).
    await page.evaluate((rec) => (globalThis as unknown as { __emit: (e: string, p: unknown) => void }).__emit('audit:appended', rec),
      { ts: '2026-11-24T10:02:00.000Z', event: 'unlock.requested', endpoint: 'pm', credential: 'endpoint:pm', server: 'p6-extra', command: 'node /opt/extra/index.cjs', hosts: ['p6.corp.example'] } satisfies AuditRecord);
    const extra = page.getByRole('row', { name: /p6-extra/ });
    await extra.waitFor();
    assert.equal(await extra.getByRole('cell').nth(6).innerText(), 'a server from config.json, command node /opt/extra/index.cjs; for p6.corp.example', 'a config.json server\'s row names it and its command first');
    assert.deepEqual(pageErrors(page), [], 'the page raised no error');
    await page.context().close();
  });

  it('restarts a server', async () => {
    const page = await open(browser, { restartServer: { name: 'p6' } });
    await page.getByRole('tab', { name: 'Servers' }).click();
    // Never claims more containment than the host has (issue 10).
    await page.getByText('isolation: none (servers run as your user and could read your keychain)').waitFor();
    await page.getByRole('button', { name: 'Restart p6' }).click();
    await page.getByRole('status').filter({ hasText: 'Restarted p6.' }).waitFor();
    await page.context().close();
  });

  it('every form control has a label, and Tab follows the visual order', async () => {
    const page = await open(browser);
    await page.getByRole('row', { name: /vc1/ }).waitFor();
    for (const tab of ['Endpoints', 'Unlocks & sessions', 'HTTP door', 'Audit log']) {
      await page.getByRole('tab', { name: tab }).click();
      const unlabelled = await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ id: string; labels: ArrayLike<unknown> | null; getAttribute(n: string): string | null }> } }).document;
        return Array.from(doc.querySelectorAll('main input, main select, main textarea'))
          .filter((el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'))
          .map((el) => el.id || '?');
      });
      assert.deepEqual(unlabelled, [], `${tab}: unlabelled controls`);
    }
    await page.getByRole('tab', { name: 'Endpoints' }).click();
    await page.getByRole('tab', { name: 'Endpoints' }).focus();
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: { id: string; textContent: string | null; getAttribute(n: string): string | null } } }).document.activeElement;
        return el.id || el.getAttribute('aria-label') || el.textContent || '';
      }));
    }
    assert.deepEqual(order, ['Edit vc1', 'Remove vc1', 'ep-id', 'ep-kind', 'ep-url']);
    await page.context().close();
  });

  it('first run: no endpoints shows one sentence on what to do', async () => {
    const page = await open(browser, { listEndpoints: [] });
    const hint = page.locator('main .first-run');
    await hint.waitFor();
    assert.match(await hint.innerText(), /^No endpoints yet: add the vCenter or Primavera P6 server .* with the form below/);
    await page.context().close();
  });

  it('shows only the chosen kind\'s fields, and unlock times as "30 min", not "0.5 h"', async () => {
    const page = await open(browser, { listEndpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'a', readOnly: false, ttlSeconds: 1800 }, { id: 'p6', kind: 'p6', url: 'https://p6.corp.example/p6ws', username: 'b', fields: { database: 'PMDB' }, readOnly: true, ttlSeconds: 5400 }] });
    await page.getByRole('row', { name: /vc1/ }).waitFor();
    assert.equal(await page.getByRole('row', { name: /vc1/ }).getByRole('cell').nth(2).innerText(), '30 min');
    assert.equal(await page.getByRole('row', { name: /p6/ }).getByRole('cell').nth(2).innerText(), '1 h 30 min');
    assert.equal(await page.getByLabel('P6 database').isVisible(), false, 'vSphere (the default kind) has no database');
    await page.getByLabel('Kind').selectOption('p6');
    assert.equal(await page.getByLabel('P6 database').isVisible(), true);
    await page.getByRole('button', { name: 'Edit vc1' }).click();
    assert.equal(await page.getByLabel('P6 database').isVisible(), false);
    assert.equal(await page.getByLabel('Unlock for').inputValue(), '1800');
    assert.equal(await page.locator('#ep-ttl option:checked').innerText(), '30 min');
    await page.context().close();
  });

  it('adds a P6 endpoint with its database, login variant, domain and CA file; an edit keeps the domain fixed', async () => {
    const page = await open(browser, { addEndpoint: { id: 'pm' }, listEndpoints: [{ id: 'pm0', kind: 'p6', url: 'https://p6.corp.example/p6ws/restapi', username: 'b', fields: { database: 'PMDB', loginVariant: 'both' }, domain: 'corp.example', caFile: '/etc/ca.pem', readOnly: false, ttlSeconds: 3600 }] });
    await page.getByRole('row', { name: /pm0/ }).waitFor();
    assert.equal(await page.getByRole('row', { name: /pm0/ }).getByRole('cell').nth(0).innerText(), 'pm0\nPrimavera P6');
    await page.getByLabel('Name', { exact: true }).fill('pm');
    await page.getByLabel('Kind').selectOption('p6');
    await page.getByLabel('URL', { exact: true }).fill('https://p6.corp.example');
    await page.getByLabel('Username').fill('planner');
    await page.getByLabel('P6 database').fill('PMDB');
    await page.getByLabel('Login variant').selectOption('authToken');
    await page.getByLabel('Domain').fill('corp.example');
    await page.getByLabel('CA file').fill('/etc/ssl/corp-ca.pem');
    await page.getByLabel('Password').fill('pw');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('status').filter({ hasText: 'Added endpoint pm.' }).waitFor();
    assert.deepEqual(await callsNamed(page, 'addEndpoint'), [[{
      id: 'pm', kind: 'p6', url: 'https://p6.corp.example', username: 'planner', fields: { database: 'PMDB', loginVariant: 'authToken' },
      readOnly: false, ttlSeconds: 14400, domain: 'corp.example', caFile: '/etc/ssl/corp-ca.pem', password: 'pw',
    }]]);
    await page.getByRole('button', { name: 'Edit pm0' }).click();
    assert.equal(await page.getByLabel('Login variant').inputValue(), 'both');
    assert.equal(await page.getByLabel('Domain').inputValue(), 'corp.example');
    assert.equal(await page.getByLabel('Domain').isDisabled(), true);
    assert.equal(await page.getByLabel('CA file').inputValue(), '/etc/ca.pem');
    await page.getByRole('button', { name: 'Clear' }).click();
    assert.equal(await page.getByLabel('Domain').isDisabled(), false);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('Remove asks first, says it deletes the keychain password, and only then removes', async () => {
    const page = await open(browser, { removeEndpoint: { id: 'vc1' } });
    await page.getByRole('button', { name: 'Remove vc1' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Remove vc1\? This deletes its settings and its password from the system keychain/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await dialog.isVisible(), false);
    assert.deepEqual(await callsNamed(page, 'removeEndpoint'), []);
    await page.getByRole('button', { name: 'Remove vc1' }).click();
    await page.getByRole('button', { name: 'Remove vc1 and its password' }).click();
    await page.getByRole('status').filter({ hasText: 'Removed endpoint vc1.' }).waitFor();
    assert.deepEqual(await callsNamed(page, 'removeEndpoint'), [['vc1']]);
    await page.context().close();
  });

  it('a failed server looks failed: marked, explained, and its Restart is the primary action', async () => {
    const page = await open(browser);
    await page.getByRole('tab', { name: 'Servers' }).click();
    const cell = page.locator('tr[data-server="p6"] td[data-state="failed"]');
    await cell.waitFor();
    assert.match(await cell.innerText(), /✕ failed\s+stopped after 5 restarts; see the Audit log, then Restart/);
    const [failedColor, runningColor] = await Promise.all([cell, page.locator('tr[data-server="vsphere"] td[data-state="running"]')].map((l) => l.evaluate((el) => getComputedStyle(el).color)));
    assert.notEqual(failedColor, runningColor);
    assert.equal(await page.getByRole('button', { name: 'Restart p6' }).getAttribute('class'), 'primary');
    await page.context().close();
  });

  it('follows a hash change while open: "Open audit log" on an open window shows the audit log', async () => {
    const page = await open(browser);
    await page.getByRole('row', { name: /vc1/ }).waitFor();
    // What SettingsWindow.open('audit') does to an open window: load settings.html#audit (a same-page hash change).
    await page.evaluate(() => { location.hash = '#audit'; });
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Audit log' }).getAttribute('aria-selected'), 'true');
    await page.context().close();
  });

  it('headings are in order on every page (one h1, no level skipped)', async () => {
    const page = await open(browser);
    await page.getByRole('row', { name: /vc1/ }).waitFor();
    for (const tab of ['Endpoints', 'Unlocks & sessions', 'Audit log', 'Servers', 'HTTP door', 'Claude Desktop', 'Command line']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.locator('main h1').waitFor();
      const levels = await page.locator('main :is(h1, h2, h3, h4, h5, h6)').evaluateAll((els) => els.map((e) => Number(e.tagName.slice(1))));
      assert.equal(levels[0], 1, `${tab}: starts with h1`);
      assert.equal(levels.filter((l) => l === 1).length, 1, `${tab}: one h1`);
      for (let i = 1; i < levels.length; i++) assert.ok(levels[i]! <= levels[i - 1]! + 1, `${tab}: h${levels[i - 1]} then h${levels[i]}`);
      const sizes = await page.locator('main :is(h1, h2)').evaluateAll((els) => els.map((e) => [Number(e.tagName.slice(1)), parseFloat(getComputedStyle(e).fontSize)]));
      for (const [level, size] of sizes) if (level === 2) assert.ok(size! < sizes[0]![1]!, `${tab}: an h2 is smaller than the h1`);
    }
    await page.context().close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`filled buttons and the selected tab reach 4.5:1 contrast (${scheme})`, async () => {
      const page = await openPage(browser, 'settings', base, { width: 900, height: 640 }, { colorScheme: scheme });
      await page.getByRole('row', { name: /vc1/ }).waitFor();
      for (const locator of [page.locator('main button.primary').first(), page.locator('nav button[aria-selected="true"]')]) {
        const [fg, bg] = await locator.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
        const ratio = contrastRatio(parseCssColor(fg!), parseCssColor(bg!));
        assert.ok(ratio >= 4.5, `${scheme}: ${fg} on ${bg} is ${ratio.toFixed(2)}:1`);
      }
      await page.context().close();
    });
  }
});
