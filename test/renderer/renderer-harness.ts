// Loads the built renderer pages in Debian's Chromium (playwright-core, never a downloaded
// browser) with `window.keybroker` stubbed, as the preload would expose it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildElectron } from '../../scripts/build-electron.mjs';
import { CONTENT_SECURITY_POLICY } from '../../src/base/content-security-policy.js';
import { kindForms } from '../../src/base/kinds/kind-forms.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(ROOT, 'test-results');
const RENDERER = path.join(ROOT, 'dist/renderer');
const ORIGIN = 'https://keybroker.test';
const CHROMIUM = '/usr/bin/chromium';

/** True where Debian's Chromium is installed. */
export const hasChromium = fs.existsSync(CHROMIUM);

let built: Promise<void> | undefined;

/** The stub preload API: records calls in `__calls`, answers from the canned responses, `__emit` fires events. */
const STUB_SOURCE = `function (canned) {
  const calls = [];
  const listeners = {};
  globalThis.__calls = calls;
  globalThis.__emit = (event, payload) => (listeners[event] || []).forEach((l) => l(payload));
  const on = (event) => (l) => { (listeners[event] = listeners[event] || []).push(l); return () => undefined; };
  const answer = (name) => (...args) => {
    calls.push({ name, args: JSON.parse(JSON.stringify(args)) });
    const r = canned[name];
    if (r && typeof r === 'object' && 'reject' in r) return Promise.reject(new Error(String(r.reject)));
    return Promise.resolve(r === undefined ? {} : r);
  };
  const names = ['listApprovals', 'decideApproval', 'fitPopup', 'getStatus', 'lock', 'listKinds', 'listEndpoints', 'addEndpoint', 'editEndpoint', 'removeEndpoint', 'testEndpoint',
    'queryAudit', 'restartServer', 'getHttpSettings', 'setHttpSettings', 'revealApiKey', 'regenerateApiKey', 'installInClaude', 'installCliTool', 'getPowerSettings', 'setPowerSettings'];
  const api = Object.fromEntries(names.map((n) => [n, answer(n)]));
  api.onApprovalsChanged = on('approvals:changed');
  api.onStatusChanged = on('status:changed');
  api.onAuditAppended = on('audit:appended');
  Object.defineProperty(globalThis, 'keybroker', { value: Object.freeze(api), enumerable: true });
}`;
const ERRORS = new WeakMap<Page, string[]>();

/** Build the renderer once per test process, then launch Chromium. */
export async function launch(): Promise<Browser> {
  built ??= buildElectron({ quiet: true });
  await built;
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Canned answers of the stubbed API, by method name. */
export type StubResponses = Record<string, unknown>;

/** One recorded API call. */
export interface StubCall {
  readonly name: string;
  readonly args: unknown[];
}

/** Extra set-up of a page. */
export interface OpenPageOptions {
  /**
   * Install Playwright's fake clock paused at this epoch-ms before the page loads: timers,
   * Date, performance and animation frames then move only with `page.clock.runFor`.
   */
  readonly clockAt?: number;
  /** The colour scheme the page is rendered in (screenshots in light and dark). */
  readonly colorScheme?: 'light' | 'dark';
  /** A `#section` the page opens at. */
  readonly hash?: string;
}

/**
 * Open `page` (popup or settings) with the stub API. Files come from dist/renderer with
 * the app's CSP header, as the app:// protocol serves them.
 */
export async function openPage(browser: Browser, page: 'popup' | 'settings', responses: StubResponses, viewport = { width: 420, height: 360 }, options: OpenPageOptions = {}): Promise<Page> {
  const { colorScheme = 'light', hash = '' } = options;
  const context = await browser.newContext({ viewport, colorScheme, reducedMotion: 'reduce' });
  // Playwright's own 30 s default is a wall-clock bound a loaded machine can pass (a first page
  // once took longer in CI); a hang is named after the suite's usual guard (test/support/wait.ts).
  context.setDefaultTimeout(150_000);
  if (options.clockAt !== undefined) {
    await context.clock.install({ time: options.clockAt - 60_000 });
    await context.clock.pauseAt(options.clockAt);
  }
  const p = await context.newPage();
  await p.route(`${ORIGIN}/**`, async (route) => {
    const rel = new URL(route.request().url()).pathname.slice(1);
    const file = path.join(RENDERER, rel);
    if (!file.startsWith(RENDERER + path.sep) || !fs.existsSync(file)) return route.fulfill({ status: 404 });
    const type = rel.endsWith('.html') ? 'text/html' : rel.endsWith('.css') ? 'text/css' : 'text/javascript';
    return route.fulfill({ status: 200, body: fs.readFileSync(file), headers: { 'content-type': type, 'content-security-policy': CONTENT_SECURITY_POLICY } });
  });
  // Block anything else: the pages must not reach the network.
  await p.route((url) => !url.href.startsWith(ORIGIN), (route) => route.abort());
  // A string, not a function: tsx's transform would inject helpers the page does not have.
  // The kinds come from the real registry unless a test brings its own (as main answers kinds:list).
  await p.addInitScript({ content: `(${STUB_SOURCE})(${JSON.stringify({ listKinds: kindForms(), ...responses })});` });
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  ERRORS.set(p, errors);
  await p.goto(`${ORIGIN}/${page}.html${hash}`);
  return p;
}

/** The API calls the page made so far. */
export function calls(page: Page): Promise<StubCall[]> {
  return page.evaluate(() => (globalThis as unknown as { __calls: StubCall[] }).__calls);
}

/** Errors the page raised (uncaught exceptions, console errors such as CSP violations). */
export function pageErrors(page: Page): string[] {
  return ERRORS.get(page) ?? [];
}

/** Save a screenshot to test-results/NAME.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
