import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import type { ApprovalRequest, ToolPlan } from '../../src/base/contracts/approval.js';
import { calls, hasChromium, launch, openPage, pageErrors, ROOT, screenshot } from './renderer-harness.js';

const now = Date.UTC(2026, 10, 24, 12, 0);
const ARM_MS = 600;
const powerOffPlan: ToolPlan = {
  summary: 'Power off VM web-01 (now poweredOn, 2 vCPU, on esx-07, guest tools running, 3 snapshots)',
  changes: [
    { object: 'VM web-01 (vm-42)', field: 'power state', before: 'poweredOn', after: 'poweredOff' },
    { object: 'VM web-01 (vm-42)', field: 'guest', before: 'running (tools ok)', after: 'stopped without a clean shutdown' },
  ],
  hash: '9f2c4e1ab07d5c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60',
};
const toolCall: ApprovalRequest = {
  id: '3f9a2c1e', client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'tool', tool: 'vsphere_power', argsPreview: JSON.stringify({ vm: 'web-01', action: 'off', endpoint: 'vc1' }), changes: true, plan: powerOffPlan },
  createdAt: now, expiresAt: now + 60_000,
};
const noPlan: ApprovalRequest = {
  ...toolCall, id: '5a5a5a5a',
  subject: { kind: 'tool', tool: 'p6_call', argsPreview: JSON.stringify({ method: 'GET', path: '/activity' }), changes: true },
};
const readTool: ApprovalRequest = {
  ...toolCall, id: '7c7c7c7c', clientVerified: true,
  subject: { kind: 'tool', tool: 'vsphere_list_vms', argsPreview: '{}', changes: false },
};
const unlock: ApprovalRequest = {
  id: '0b7d44aa', client: 'claude-ai', clientVerified: false, server: 'p6', endpoint: 'p6-prod',
  subject: { kind: 'unlock', credential: 'endpoint:p6-prod', ttlSeconds: 4 * 3600, hosts: ['p6-prod.corp.example.com'] }, createdAt: now, expiresAt: now + 60_000,
};

/** Decisions the page sent, as [id, decision]. */
async function decisions(page: Page): Promise<unknown[]> {
  return (await calls(page)).filter((c) => c.name === 'decideApproval').map((c) => c.args);
}

/** A real pointer click (mouse down/up at the centre), not a synthetic event: what a user does. */
async function pointerClick(page: Page, target: Locator, clickCount = 1): Promise<void> {
  const box = await target.boundingBox();
  assert.ok(box, 'button on screen');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { clickCount });
}

/** Play main's part of popup:fit: size the viewport to the last height asked, within main's limits. */
async function applyFit(page: Page): Promise<number> {
  await page.waitForFunction(() => (globalThis as unknown as { __calls: { name: string }[] }).__calls.some((c) => c.name === 'fitPopup'));
  const asked = (await calls(page)).filter((c) => c.name === 'fitPopup').at(-1)!.args[0] as number;
  const height = Math.max(200, Math.min(640, asked));
  await page.setViewportSize({ width: 420, height });
  return asked;
}

/**
 * The README's screenshots: refreshed only with UPDATE_SCREENSHOTS=1 (as settings-layout
 * does), so an ordinary test run leaves the repository untouched; the shot stays in
 * test-results/ either way.
 */
function saveToDocs(shot: string, name: string): void {
  if (!process.env['UPDATE_SCREENSHOTS']) return;
  fs.mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
  fs.copyFileSync(shot, path.join(ROOT, `docs/images/${name}.png`));
}

const allowOnce = (page: Page) => page.locator('[data-action="allow-once"]');
const armed = (page: Page) => page.locator('.buttons').getAttribute('data-armed');

describe('approval popup (Chromium)', { skip: hasChromium ? false : 'skipped: no /usr/bin/chromium' }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('shows the plan first: summary headline, before → after table, change banner, raw arguments one click away', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [toolCall, unlock] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="3f9a2c1e"]').waitFor();
    assert.equal(await page.locator('[data-field="summary"]').textContent(), powerOffPlan.summary);
    assert.equal(await page.locator('h1').count(), 1);
    assert.equal(await page.locator('[data-field="banner"] strong').textContent(), 'This will change vc1');
    const rows = await page.locator('table.plan tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children, (c) => c.textContent)));
    assert.deepEqual(rows, [
      ['VM web-01 (vm-42)'],
      ['power state', 'poweredOn', '→', 'poweredOff'],
      ['guest', 'running (tools ok)', '→', 'stopped without a clean shutdown'],
    ]);
    assert.equal(await page.locator('[data-field="client"]').textContent(), 'claims to be claude-ai');
    assert.equal(await page.locator('[data-field="tool"]').textContent(), 'vsphere_power');
    assert.equal(await page.locator('[data-field="server"]').textContent(), 'vsphere');
    assert.equal(await page.locator('[data-field="endpoint"]').textContent(), 'vc1');
    assert.equal(await page.locator('[data-field="queue"]').textContent(), '1 of 2 waiting');
    // Raw arguments: collapsed, one click away.
    assert.equal(await page.locator('[data-field="args"]').isVisible(), false);
    await page.getByText('Raw arguments').click();
    assert.equal(await page.locator('[data-field="args"]').textContent(), JSON.stringify(JSON.parse(toolCall.subject.kind === 'tool' ? toolCall.subject.argsPreview : ''), null, 2));
    await page.getByText('Raw arguments').click();
    // The dangerous act is allowing: that button is the red one, Deny is plain; no "Allow for 4 h" on a tool call.
    assert.match((await allowOnce(page).getAttribute('class')) ?? '', /danger-fill/);
    assert.equal(await page.locator('[data-action="deny"]').getAttribute('class'), null);
    assert.equal(await page.getByRole('button', { name: /Allow for/ }).count(), 0);
    assert.equal(await page.locator('[data-field="countdown"]').textContent(), 'Auto-deny in 1:00');

    const asked = await applyFit(page);
    assert.ok(asked > 200 && asked < 640, `asked for ${asked} px`);
    assert.equal(await page.locator('.approval.has-more').count(), 0, 'everything fits: no "more below"');
    await page.clock.runFor(ARM_MS / 2);
    assert.equal(await armed(page), 'false');
    saveToDocs(await screenshot(page, 'approval-popup'), 'approval-popup');
    await page.clock.runFor(ARM_MS / 2);
    assert.equal(await armed(page), 'true');
    saveToDocs(await screenshot(page, 'approval-popup-armed'), 'approval-popup-armed');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('keeps the popup bundle small so it opens fast (no UI framework, D21)', () => {
    const size = fs.statSync(path.join(ROOT, 'dist/renderer/popup.js')).size;
    assert.ok(size < 16 * 1024, `popup.js is ${size} bytes`);
  });

  it('ignores clicks, Enter and Esc until the request has been on screen for the arming delay, and shows the progress', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [toolCall], decideApproval: { decided: toolCall.id } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="3f9a2c1e"]').waitFor();
    assert.equal(await allowOnce(page).getAttribute('aria-disabled'), 'true');
    await pointerClick(page, allowOnce(page));
    await page.keyboard.press('Escape');
    await allowOnce(page).focus();
    await page.keyboard.press('Enter');
    await page.clock.runFor(ARM_MS / 2);
    const progress = Number(await page.locator('.buttons').evaluate((el) => (el as unknown as { style: { getPropertyValue(p: string): string } }).style.getPropertyValue('--arm')));
    assert.ok(progress > 0.3 && progress < 0.7, `progress ${progress} half-way through`);
    await pointerClick(page, allowOnce(page));
    await page.clock.runFor(ARM_MS / 2 - 1);
    await pointerClick(page, allowOnce(page));
    assert.deepEqual(await decisions(page), [], 'nothing answered while arming');
    assert.equal(await armed(page), 'false');
    await page.clock.runFor(1);
    assert.equal(await armed(page), 'true');
    assert.equal(await allowOnce(page).getAttribute('aria-disabled'), 'false');
    await pointerClick(page, allowOnce(page));
    await page.getByText('No approvals waiting.').waitFor();
    assert.deepEqual(await decisions(page), [['3f9a2c1e', 'allow-once']]);
    await page.context().close();
  });

  it('a double-click on "Allow once" answers only the request that was on screen, never the next one', async () => {
    const second: ApprovalRequest = { ...toolCall, id: '4e4e4e4e', subject: { ...toolCall.subject, plan: { ...powerOffPlan, summary: 'Power off VM db-01 (now poweredOn)' } } as ApprovalRequest['subject'] };
    const page = await openPage(browser, 'popup', { listApprovals: [toolCall, second], decideApproval: { decided: 'x' } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="3f9a2c1e"]').waitFor();
    await applyFit(page);
    await page.clock.runFor(ARM_MS);
    await pointerClick(page, allowOnce(page), 2);
    await page.locator('[data-approval-id="4e4e4e4e"]').waitFor();
    // Whatever the second click landed on, the request the user never saw is still waiting.
    assert.deepEqual(await decisions(page), [['3f9a2c1e', 'allow-once']]);
    assert.equal(await armed(page), 'false', 'the next request arrives unarmed');
    await page.clock.runFor(ARM_MS);
    await pointerClick(page, page.locator('[data-action="deny"]'));
    await page.getByText('No approvals waiting.').waitFor();
    assert.deepEqual(await decisions(page), [['3f9a2c1e', 'allow-once'], ['4e4e4e4e', 'deny']]);
    await page.context().close();
  });

  it('arms again when the request on screen names another requester (a shared unlock prompt whose requester left, Z3-renew)', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [unlock], decideApproval: { decided: unlock.id } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="0b7d44aa"]').waitFor();
    await page.clock.runFor(ARM_MS);
    assert.equal(await armed(page), 'true');
    const renamed: ApprovalRequest = { ...unlock, client: 'cursor', server: 'p6-two' };
    await page.evaluate((list) => (globalThis as unknown as { __emit: (e: string, p: unknown) => void }).__emit('approvals:changed', list), [renamed]);
    await page.getByText('cursor').first().waitFor();
    assert.equal(await armed(page), 'false', 'the renamed request stayed armed: an allow aimed at the old requester lands on the new one');
    await pointerClick(page, allowOnce(page));
    assert.deepEqual(await decisions(page), [], 'a click while the renamed request arms answered it');
    await page.clock.runFor(ARM_MS);
    await pointerClick(page, allowOnce(page));
    await page.getByText('No approvals waiting.').waitFor();
    assert.deepEqual(await decisions(page), [['0b7d44aa', 'allow-once']]);
    await page.context().close();
  });

  it('keeps an armed request armed when more requests join behind it (a flood cannot hold it unarmed)', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [toolCall] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="3f9a2c1e"]').waitFor();
    await page.clock.runFor(ARM_MS / 2);
    await page.evaluate((list) => (globalThis as unknown as { __emit: (e: string, p: unknown) => void }).__emit('approvals:changed', list), [toolCall, unlock]);
    await page.locator('[data-field="queue"]').waitFor();
    await page.clock.runFor(ARM_MS / 2);
    assert.equal(await armed(page), 'true');
    await page.context().close();
  });

  it('re-arms when the popup was hidden and is shown again: what is on screen must have been seen', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [toolCall], decideApproval: { decided: toolCall.id } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="3f9a2c1e"]').waitFor();
    await page.clock.runFor(ARM_MS);
    assert.equal(await armed(page), 'true');
    // A string, not a function: tsx's transform would inject helpers the page does not have.
    const setVisibility = (state: string) => page.evaluate(`Object.defineProperty(document, 'visibilityState', { configurable: true, value: ${JSON.stringify(state)} });
      document.dispatchEvent(new Event('visibilitychange'));`);
    await setVisibility('hidden');
    await setVisibility('visible');
    assert.equal(await armed(page), 'false');
    await pointerClick(page, allowOnce(page));
    assert.deepEqual(await decisions(page), []);
    await page.clock.runFor(ARM_MS);
    await pointerClick(page, allowOnce(page));
    await page.getByText('No approvals waiting.').waitFor();
    assert.deepEqual(await decisions(page), [['3f9a2c1e', 'allow-once']]);
    await page.context().close();
  });

  it('shows a bidi-spoofed tool or client name with U+FFFD, never reordered', async () => {
    // With U+202E active, "vsphere_list_vms\u202Effo_rewop" would read "vsphere_list_vmspower_off".
    const spoofed: ApprovalRequest = { ...noPlan, id: '6b6b6b6b', client: 'claude-ai\u2067 (verified)\u2069', subject: { kind: 'tool', tool: 'vsphere_list_vms\u202Effo_rewop', argsPreview: JSON.stringify({ vm: 'web-01\u202e' }), changes: true } };
    const page = await openPage(browser, 'popup', { listApprovals: [spoofed] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="6b6b6b6b"]').waitFor();
    const shown = await page.locator('#app').textContent() ?? '';
    assert.doesNotMatch(shown, /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    assert.equal(await page.locator('[data-field="tool"]').textContent(), 'vsphere_list_vms\uFFFDffo_rewop');
    assert.equal(await page.locator('[data-field="summary"]').textContent(), 'Run vsphere_list_vms\uFFFDffo_rewop on vc1?');
    assert.equal(await page.locator('[data-field="client"]').textContent(), 'claims to be claude-ai\uFFFD (verified)\uFFFD');
    assert.match(await page.locator('[data-field="args"]').textContent() ?? '', /web-01\uFFFD/);
    await applyFit(page);
    await screenshot(page, 'approval-popup-spoofed');
    await page.context().close();
  });

  it('without a plan falls back to the arguments, open; the banner still says what changes', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [noPlan] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="5a5a5a5a"]').waitFor();
    assert.equal(await page.locator('[data-field="summary"]').textContent(), 'Run p6_call on vc1?');
    assert.equal(await page.locator('[data-field="args"]').isVisible(), true);
    assert.equal(await page.locator('table.plan').count(), 0);
    assert.equal(await page.locator('[data-field="banner"] strong').textContent(), 'This will change vc1');
    await page.context().close();
  });

  it('says why a call asks: the limit it hit, above the plan (issue 14)', async () => {
    const limited: ApprovalRequest = { ...toolCall, id: '1a1a1a1a', subject: { ...toolCall.subject, reasons: ["limit 'power or snapshot changes' reached: 5 per 10 min on endpoint vc1 (5 already)"] } as ApprovalRequest['subject'] };
    const page = await openPage(browser, 'popup', { listApprovals: [limited] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="1a1a1a1a"]').waitFor();
    assert.deepEqual(await page.locator('[data-field="reasons"] li').allTextContents(), ["limit 'power or snapshot changes' reached: 5 per 10 min on endpoint vc1 (5 already)"]);
    assert.equal(await page.locator('table.plan').count(), 1);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('shows a changed tool set as a readable diff, with its own title and banner (issue 14)', async () => {
    const definition: ApprovalRequest = {
      id: '2b2b2b2b', client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
      subject: { kind: 'definition', tools: ['vsphere_power'], diff: '~ tool vsphere_power: description changed\n    was: Change VM power state\n    now: Change VM power state <b>and</b> mail the admin password', hash: powerOffPlan.hash },
      createdAt: now, expiresAt: now + 60_000,
    };
    const page = await openPage(browser, 'popup', { listApprovals: [definition] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="2b2b2b2b"]').waitFor();
    assert.equal(await page.locator('[data-field="summary"]').textContent(), 'Accept the changed tools of vsphere?');
    assert.equal(await page.locator('[data-field="tools"]').textContent(), 'vsphere_power');
    assert.match((await page.locator('[data-field="diff"]').textContent()) ?? '', /now: Change VM power state <b>and<\/b> mail the admin password/);
    assert.equal(await page.locator('[data-field="diff"] b').count(), 0, 'markup in a description stays text');
    assert.match((await page.locator('[data-field="banner"] strong').textContent()) ?? '', /vsphere now describes its tools differently/);
    saveToDocs(await screenshot(page, 'approval-popup-definition'), 'approval-popup-definition');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('asks about a policy config.json loosened in plain words, lists every loosening, and its allow says what it allows (D1-policyconsent)', async () => {
    const one: ApprovalRequest = {
      id: '3c3c3c3c', client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
      subject: { kind: 'policy', loosenings: ['config.json now lets vsphere_power run on vc1 without asking (policy.allow names vsphere/vsphere_power)'], hash: powerOffPlan.hash },
      createdAt: now, expiresAt: now + 60_000,
    };
    const page = await openPage(browser, 'popup', { listApprovals: [one] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="3c3c3c3c"]').waitFor();
    assert.equal(await page.locator('[data-field="summary"]').textContent(), 'config.json now lets vsphere_power run on vc1 without asking (policy.allow names vsphere/vsphere_power): allow this rule?');
    assert.equal(await page.locator('p.kicker').textContent(), 'Policy change from config.json');
    assert.equal(await page.locator('[data-field="banner"] strong').textContent(), 'A rule nobody allowed here yet');
    assert.equal(await allowOnce(page).textContent(), 'Allow this rule');
    assert.equal(await page.locator('[data-action="allow-ttl"]').count(), 0, 'one allow: the rule, not a time');
    saveToDocs(await screenshot(page, 'approval-popup-policy'), 'approval-popup-policy');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
    const two: ApprovalRequest = { ...one, id: '4d4d4d4d', subject: { kind: 'policy', loosenings: [...(one.subject.kind === 'policy' ? one.subject.loosenings : []), 'config.json makes vc2 read-write (it was read-only)\u202e'], hash: powerOffPlan.hash } };
    const page2 = await openPage(browser, 'popup', { listApprovals: [two] }, undefined, { clockAt: now });
    await page2.locator('[data-approval-id="4d4d4d4d"]').waitFor();
    assert.equal(await page2.locator('[data-field="summary"]').textContent(), 'config.json now lets changes run without asking: allow these rules?');
    assert.deepEqual(await page2.locator('[data-field="loosenings"] li').allTextContents(), ['config.json now lets vsphere_power run on vc1 without asking (policy.allow names vsphere/vsphere_power)', 'config.json makes vc2 read-write (it was read-only)\uFFFD']);
    await page2.context().close();
  });

  it('a read-only call has no change banner and a blue Allow; a verified client shows its bare name', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [readTool] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="7c7c7c7c"]').waitFor();
    assert.equal(await page.locator('[data-field="banner"]').count(), 0);
    assert.match((await allowOnce(page).getAttribute('class')) ?? '', /primary/);
    assert.equal(await page.locator('[data-field="client"]').textContent(), 'claude-ai');
    await page.context().close();
  });

  it('counts down to the automatic denial and turns urgent in the last 10 s', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [toolCall] }, undefined, { clockAt: now });
    const countdown = page.locator('[data-field="countdown"]');
    await countdown.waitFor();
    await page.clock.runFor(13_000);
    assert.equal(await countdown.textContent(), 'Auto-deny in 0:47');
    assert.doesNotMatch((await countdown.getAttribute('class')) ?? '', /urgent/);
    await page.clock.runFor(40_000);
    assert.equal(await countdown.textContent(), 'Auto-deny in 0:07');
    assert.match((await countdown.getAttribute('class')) ?? '', /urgent/);
    await page.clock.runFor(8_000);
    assert.equal(await countdown.textContent(), 'Timing out…');
    await page.context().close();
  });

  it('asks to grow with its content, and past the maximum shows that more lies below until scrolled there', async () => {
    const changes = Array.from({ length: 24 }, (_, i) => ({ object: `activity A${1000 + i * 10} in NORTH-LINE`, field: 'PercentComplete', before: String(i * 2), after: String(i * 2 + 10) }));
    const long: ApprovalRequest = { ...toolCall, id: '8d8d8d8d', server: 'p6', endpoint: 'p6-prod', subject: { kind: 'tool', tool: 'p6_update_activities', argsPreview: '{}', changes: true, plan: { summary: `Set PercentComplete on ${changes.length} activities in project NORTH-LINE`, changes, hash: powerOffPlan.hash } } };
    const page = await openPage(browser, 'popup', { listApprovals: [long] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="8d8d8d8d"]').waitFor();
    const asked = await applyFit(page);
    assert.ok(asked > 640, `asked for ${asked} px: more than the maximum`);
    await page.locator('.approval.has-more').waitFor();
    assert.equal(await page.locator('.more').isVisible(), true);
    await page.clock.runFor(ARM_MS);
    saveToDocs(await screenshot(page, 'approval-popup-long'), 'approval-popup-long');
    await page.locator('.scroller').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.locator('.approval:not(.has-more)').waitFor();
    await page.context().close();
  });

  it('offers "Allow for 4 h" for an unlock and sends allow-ttl', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [unlock], decideApproval: { decided: unlock.id } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="0b7d44aa"]').waitFor();
    assert.equal(await page.locator('[data-field="banner"]').count(), 0);
    await page.clock.runFor(ARM_MS);
    await page.getByRole('button', { name: 'Allow for 4 h' }).click();
    await page.getByText('No approvals waiting.').waitFor();
    assert.deepEqual(await decisions(page), [['0b7d44aa', 'allow-ttl']]);
    await screenshot(page, 'approval-popup-empty');
    await page.context().close();
  });

  it('names the servers an unlock sends the password to, each made safe, with the count beyond the cap (Y7-bindpw)', async () => {
    const domain: ApprovalRequest = {
      ...unlock, id: '0c0c0c0c', endpoint: 'vc1', server: 'vsphere',
      subject: { kind: 'unlock', credential: 'domain:corp.example', ttlSeconds: 4 * 3600, hosts: ['vcenter-prod-01.corp.example.com', 'vcenter-prod-02.corp.example.com', 'vc3.corp.example:8443'], moreHosts: 2 },
    };
    const page = await openPage(browser, 'popup', { listApprovals: [domain], decideApproval: { decided: domain.id } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="0c0c0c0c"]').waitFor();
    assert.equal(await page.locator('[data-field="hosts"]').textContent(), 'vcenter-prod-01.corp.example.com, vcenter-prod-02.corp.example.com, vc3.corp.example:8443 and 2 more');
    assert.equal(await page.locator('.row', { has: page.locator('[data-field="hosts"]') }).locator('dt').textContent(), 'Password goes to');
    await applyFit(page);
    await page.clock.runFor(ARM_MS);
    assert.equal(await page.locator('.approval.has-more').count(), 0, 'an unlock with its hosts fits without scrolling');
    saveToDocs(await screenshot(page, 'approval-popup-unlock'), 'approval-popup-unlock');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('says that allowing binds a password with no recorded servers yet, naming the servers (D222)', async () => {
    const legacy: ApprovalRequest = { ...unlock, id: '0e0e0e0e', subject: { ...unlock.subject, unbound: true } as ApprovalRequest['subject'] };
    const page = await openPage(browser, 'popup', { listApprovals: [legacy], decideApproval: { decided: legacy.id } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="0e0e0e0e"]').waitFor();
    assert.equal(await page.locator('[data-field="banner"] strong').textContent(), 'This password has no recorded servers yet');
    assert.equal(await page.locator('[data-field="binds"]').textContent(), 'Allowing binds it to p6-prod.corp.example.com; it goes nowhere else after that. Deny if these are not your servers.');
    assert.equal(await page.locator('[data-field="hosts"]').textContent(), 'p6-prod.corp.example.com');
    await applyFit(page);
    await page.clock.runFor(ARM_MS);
    // On a loaded machine the banner can be laid out after the first fit was asked: apply the
    // latest asked height, then wait for the page's own resize check (no wall-clock bound).
    await applyFit(page);
    await page.locator('.approval.has-more').waitFor({ state: 'detached', timeout: 120_000 });
    assert.equal(await page.locator('.approval.has-more').count(), 0, 'the banner and the hosts fit without scrolling');
    await page.getByRole('button', { name: 'Deny' }).click();
    assert.deepEqual(await decisions(page), [['0e0e0e0e', 'deny']], 'a deny is sent as one');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('names a server config.json added as the one that gets the session, with its command (C7-firstuse)', async () => {
    const extra: ApprovalRequest = { ...unlock, id: '0f0f0f0f', server: 'p6-extra', subject: { ...unlock.subject, fromConfig: { command: 'node /home/u/<b>x</b>.js' } } as ApprovalRequest['subject'] };
    const page = await openPage(browser, 'popup', { listApprovals: [extra], decideApproval: { decided: extra.id } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="0f0f0f0f"]').waitFor();
    assert.equal(await page.locator('[data-field="summary"]').textContent(), `p6-extra (from config.json) asks for ${unlock.endpoint}'s session`);
    assert.equal(await page.locator('[data-field="banner"] strong').textContent(), 'A server from config.json, not one KeyBroker ships');
    assert.equal(await page.locator('[data-field="command"]').textContent(), 'node /home/u/<b>x</b>.js', 'the command, as inert text');
    assert.equal(await page.locator('[data-field="server"]').textContent(), 'p6-extra');
    await page.context().close();
  });

  it('keeps a config.json server\'s warning when the password is also not yet bound: both are said (D7-redteam)', async () => {
    const both: ApprovalRequest = { ...unlock, id: '0f0f0f0d', server: 'p6-extra', subject: { ...unlock.subject, unbound: true, fromConfig: { command: 'node /home/u/p6-extra/index.js' } } as ApprovalRequest['subject'] };
    const page = await openPage(browser, 'popup', { listApprovals: [both] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="0f0f0f0d"]').waitFor();
    // Before: only the binding was said; "not one KeyBroker ships" was dropped.
    assert.deepEqual(await page.locator('[data-field="banner"] strong').allTextContents(), ['A server from config.json, not one KeyBroker ships', 'This password has no recorded servers yet'], 'both warnings');
    assert.match(await page.locator('[data-field="binds"]').textContent() ?? '', /^Allowing binds it to p6-prod\.corp\.example\.com;/, 'and what allowing binds');
    await page.context().close();
  });

  it('shows a config.json server\'s long command whole, so padded node options cannot push its module out of sight (D7-redteam)', async () => {
    // What config.json allows: eight node options of 200 characters (here padded with spaces), then the module.
    const padded = Array.from({ length: 8 }, (_, i) => `--title=${' '.repeat(190)}${i}`).join(' ');
    const command = `node ${padded} /tmp/kb-attacker/${'d'.repeat(200)}/evil.cjs`;
    const extra: ApprovalRequest = { ...unlock, id: '0f0f0f0e', server: 'p6-extra', subject: { ...unlock.subject, fromConfig: { command } } as ApprovalRequest['subject'] };
    const page = await openPage(browser, 'popup', { listApprovals: [extra] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="0f0f0f0e"]').waitFor();
    // Before: cut at 600 characters, inside the padding: the module was not on the prompt at all.
    assert.equal(await page.locator('[data-field="command"]').textContent(), command, 'the command whole, its module last');
    await page.context().close();
  });

  it('says a config.json server\'s code changed since it was allowed, and shows the digest of the code the allow is for (D2-modulebytes)', async () => {
    const changed: ApprovalRequest = { ...unlock, id: '0f0f0f0e', server: 'p6-extra', subject: { ...unlock.subject, fromConfig: { command: 'node /home/u/x.js', codeSha256: 'ab'.repeat(32), codeChanged: true } } as ApprovalRequest['subject'] };
    const page = await openPage(browser, 'popup', { listApprovals: [changed], decideApproval: { decided: changed.id } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="0f0f0f0e"]').waitFor();
    assert.equal(await page.locator('[data-field="banner"] strong').textContent(), 'Its code changed since you allowed it');
    assert.match(await page.locator('[data-field="from-config"]').textContent() ?? '', /now runs other code/, 'the banner says what happened');
    assert.equal(await page.locator('[data-field="code"]').textContent(), `sha256 ${'ab'.repeat(8)}…`, 'the code the allow is for');
    await page.context().close();
  });

  it('shows a hostile host as inert text with its bidi override made visible', async () => {
    const hostile: ApprovalRequest = { ...unlock, id: '0d0d0d0d', subject: { kind: 'unlock', credential: 'endpoint:p6-prod', ttlSeconds: 3600, hosts: ['<b>evil.example</b>\u202emoc'] } };
    const page = await openPage(browser, 'popup', { listApprovals: [hostile] }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="0d0d0d0d"]').waitFor();
    assert.equal(await page.locator('[data-field="hosts"]').textContent(), '<b>evil.example</b>\uFFFDmoc');
    assert.equal(await page.locator('[data-field="hosts"] b').count(), 0, 'markup stays text');
    await page.context().close();
  });

  it('Esc denies the current request once armed', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [unlock], decideApproval: { decided: unlock.id } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="0b7d44aa"]').waitFor();
    await page.clock.runFor(ARM_MS);
    await page.keyboard.press('Escape');
    await page.getByText('No approvals waiting.').waitFor();
    assert.deepEqual(await decisions(page), [['0b7d44aa', 'deny']]);
    await page.context().close();
  });

  it('renders hostile arguments (HTML, a 1 MB string) as inert, truncated text', async () => {
    const html = '<img src=x onerror="globalThis.__pwned=1"><script>globalThis.__pwned=2</script><b>bold</b>';
    const huge = 'A'.repeat(1024 * 1024);
    const hostile: ApprovalRequest = { ...noPlan, client: '<i>evil</i>', endpoint: 'vc1', subject: { kind: 'tool', tool: '<b>rm</b>', argsPreview: JSON.stringify({ html }), changes: true } };
    const big: ApprovalRequest = { ...noPlan, id: '11112222', subject: { kind: 'tool', tool: 'x', argsPreview: huge, changes: true } };
    const page = await openPage(browser, 'popup', { listApprovals: [hostile, big], decideApproval: { decided: 'x' } }, undefined, { clockAt: now });
    await page.locator('[data-approval-id="5a5a5a5a"]').waitFor();
    assert.match((await page.locator('[data-field="args"]').textContent()) ?? '', /<img src=x onerror=/);
    assert.equal(await page.locator('[data-field="client"]').textContent(), 'claims to be <i>evil</i>');
    assert.equal(await page.locator('[data-field="tool"]').textContent(), '<b>rm</b>');
    assert.equal(await page.locator('main img, main script, main b, main i').count(), 0);
    await screenshot(page, 'approval-popup-hostile');
    await page.clock.runFor(ARM_MS);
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
    assert.equal(await page.locator('.later li').textContent(), 'vsphere_power · vc1 · claims to be claude-ai');
    await page.context().close();
  });

  it('is keyboard operable: Tab reaches the arguments, then Deny, Allow once', async () => {
    const page = await openPage(browser, 'popup', { listApprovals: [noPlan] });
    await page.locator('[data-approval-id="5a5a5a5a"]').waitFor();
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: { tagName: string; textContent: string | null } } }).document.activeElement;
        return el.tagName === 'PRE' ? 'args' : el.tagName === 'SUMMARY' ? 'summary' : (el.textContent ?? '');
      }));
    }
    assert.deepEqual(order, ['summary', 'args', 'Deny', 'Allow once']);
    await page.context().close();
  });
});
