import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ApprovalRequest } from '../../src/core/common/contracts/approval.js';
import { calls, hasChromium, launch, openPage, pageErrors, ROOT, screenshot } from './renderer-harness.js';

const now = Date.UTC(2026, 10, 24, 12, 0);
const toolCall: ApprovalRequest = {
  id: '3f9a2c1e', client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'tool', tool: 'power-off-vm', argsPreview: JSON.stringify({ vm: 'web-01', datacenter: 'DC-East', force: false }), changes: true },
  createdAt: now, expiresAt: now + 60_000,
};
const unlock: ApprovalRequest = {
  id: '0b7d44aa', client: 'claude-ai', clientVerified: false, server: 'p6', endpoint: 'p6-prod',
  subject: { kind: 'unlock', credential: 'endpoint:p6-prod', ttlSeconds: 4 * 3600 }, createdAt: now, expiresAt: now + 60_000,
};

describe('approval popup (Chromium)', { skip: hasChromium ? false : 'skipped: no /usr/bin/chromium' }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('shows client, server, endpoint, tool and pretty-printed arguments', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [toolCall, unlock] });
    await page.locator('[data-approval-id="3f9a2c1e"]').waitFor();
    assert.equal(await page.locator('[data-field="client"]').textContent(), 'claude-ai');
    assert.equal(await page.locator('[data-field="server"]').textContent(), 'vsphere');
    assert.equal(await page.locator('[data-field="endpoint"]').textContent(), 'vc1');
    assert.equal(await page.locator('[data-field="tool"]').textContent(), 'power-off-vm');
    assert.equal(await page.locator('[data-field="args"]').textContent(), JSON.stringify(JSON.parse(toolCall.subject.kind === 'tool' ? toolCall.subject.argsPreview : ''), null, 2));
    assert.equal(await page.locator('[data-field="queue"]').textContent(), '1 of 2 waiting');
    // A tool call has no "Allow for 4 h": that is for unlocks only.
    assert.equal(await page.getByRole('button', { name: /Allow for/ }).count(), 0);
    const shot = await screenshot(page, 'approval-popup');
    fs.mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
    fs.copyFileSync(shot, path.join(ROOT, 'docs/images/approval-popup.png'));
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('keeps the popup bundle small so it opens fast (no UI framework, D21)', () => {
    const size = fs.statSync(path.join(ROOT, 'dist/renderer/popup.js')).size;
    assert.ok(size < 16 * 1024, `popup.js is ${size} bytes`);
  });

  it('Allow once and Deny call the API with the right ids', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [toolCall, unlock], decideApproval: { decided: 'x' } });
    await page.getByRole('button', { name: 'Allow once' }).click();
    await page.locator('[data-approval-id="0b7d44aa"]').waitFor();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByText('No approvals waiting.').waitFor();
    const decided = (await calls(page)).filter((c) => c.name === 'decideApproval').map((c) => c.args);
    assert.deepEqual(decided, [['3f9a2c1e', 'allow-once'], ['0b7d44aa', 'deny']]);
    await page.context().close();
  });

  it('offers "Allow for 4 h" for an unlock and sends allow-ttl', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [unlock], decideApproval: { decided: unlock.id } });
    await page.getByRole('button', { name: 'Allow for 4 h' }).click();
    await page.getByText('No approvals waiting.').waitFor();
    assert.deepEqual((await calls(page)).filter((c) => c.name === 'decideApproval').map((c) => c.args), [['0b7d44aa', 'allow-ttl']]);
    await screenshot(page, 'approval-popup-empty');
    await page.context().close();
  });

  it('Esc denies the current request', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [unlock], decideApproval: { decided: unlock.id } });
    await page.locator('[data-approval-id="0b7d44aa"]').waitFor();
    await page.keyboard.press('Escape');
    await page.getByText('No approvals waiting.').waitFor();
    assert.deepEqual((await calls(page)).filter((c) => c.name === 'decideApproval').map((c) => c.args), [['0b7d44aa', 'deny']]);
    await page.context().close();
  });

  it('renders hostile arguments (HTML, a 1 MB string) as inert, truncated text', async () => {
    const html = '<img src=x onerror="globalThis.__pwned=1"><script>globalThis.__pwned=2</script><b>bold</b>';
    const huge = 'A'.repeat(1024 * 1024);
    const hostile: ApprovalRequest = { ...toolCall, client: '<i>evil</i>', endpoint: 'vc1', subject: { kind: 'tool', tool: '<b>rm</b>', argsPreview: JSON.stringify({ html }), changes: true } };
    const big: ApprovalRequest = { ...toolCall, id: '11112222', subject: { kind: 'tool', tool: 'x', argsPreview: huge, changes: true } };
    const page = await openPage(browser, 'popup', { listApprovals: [hostile, big], decideApproval: { decided: 'x' } });
    await page.locator('[data-approval-id="3f9a2c1e"]').waitFor();
    assert.match((await page.locator('[data-field="args"]').textContent()) ?? '', /<img src=x onerror=/);
    assert.equal(await page.locator('[data-field="client"]').textContent(), '<i>evil</i>');
    assert.equal(await page.locator('[data-field="tool"]').textContent(), '<b>rm</b>');
    assert.equal(await page.locator('main img, main script, main b, main i').count(), 0);
    await screenshot(page, 'approval-popup-hostile');
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.locator('[data-approval-id="11112222"]').waitFor();
    const shown = (await page.locator('[data-field="args"]').textContent()) ?? '';
    assert.ok(shown.length < 5000, `shown ${shown.length} characters`);
    assert.match(shown, /more characters not shown/);
    assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
    await page.context().close();
  });

  it('new approvals pushed by main join the queue', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [] });
    await page.getByText('No approvals waiting.').waitFor();
    await page.evaluate((list) => (globalThis as unknown as { __emit: (e: string, p: unknown) => void }).__emit('approvals:changed', list), [unlock, toolCall]);
    await page.locator('[data-approval-id="0b7d44aa"]').waitFor();
    assert.equal(await page.locator('.later li').count(), 1);
    await page.context().close();
  });

  it('is keyboard operable: Tab reaches the arguments, then Deny, Allow once', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [toolCall] });
    await page.locator('[data-approval-id="3f9a2c1e"]').waitFor();
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: { tagName: string; textContent: string | null } } }).document.activeElement;
        return el.tagName === 'PRE' ? 'args' : (el.textContent ?? '');
      }));
    }
    assert.deepEqual(order, ['args', 'Deny', 'Allow once']);
    assert.equal(await page.locator('section[aria-label="Arguments"]').count(), 1);
    await page.context().close();
  });
});
