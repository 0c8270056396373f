import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAppWindow, POPUP_WINDOW_OPTIONS, SETTINGS_WINDOW_OPTIONS } from '../../../src/main/windows/create-app-window.js';
import { CONTENT_SECURITY_POLICY } from '../../../src/base/content-security-policy.js';
import { fakeWindowFactory } from '../../mocks/electron.js';
import { assertHardened } from './assert-hardened.js';

describe('createAppWindow()', () => {
  it('hardens every window it creates (popup and settings)', () => {
    const { factory, windows } = fakeWindowFactory();
    createAppWindow(factory, 'popup', '/app/dist/preload/index.cjs', POPUP_WINDOW_OPTIONS);
    createAppWindow(factory, 'settings', '/app/dist/preload/index.cjs', SETTINGS_WINDOW_OPTIONS);
    assert.equal(windows.length, 2);
    for (const w of windows) assertHardened(w);
    assert.equal(windows[0]!.options.webPreferences?.preload, '/app/dist/preload/index.cjs');
  });

  it('ignores webPreferences smuggled in through options', () => {
    const { factory, windows } = fakeWindowFactory();
    createAppWindow(factory, 'settings', '/p.cjs', { ...SETTINGS_WINDOW_OPTIONS, webPreferences: { nodeIntegration: true, sandbox: false } } as never);
    assertHardened(windows[0]!);
  });

  it('makes the popup always-on-top and frameless', () => {
    assert.equal(POPUP_WINDOW_OPTIONS.alwaysOnTop, true);
    assert.equal(POPUP_WINDOW_OPTIONS.frame, false);
    assert.equal(POPUP_WINDOW_OPTIONS.skipTaskbar, true);
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  it('forbids inline script, eval, network and framing', () => {
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/);
    for (const d of ["default-src 'none'", "connect-src 'none'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) {
      assert.ok(CONTENT_SECURITY_POLICY.includes(d), d);
    }
  });
});

describe('page CSP meta tags', () => {
  it('match CONTENT_SECURITY_POLICY (minus frame-ancestors, which meta tags ignore)', async () => {
    const fs = await import('node:fs');
    const expected = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
    for (const page of ['popup.html', 'settings.html']) {
      const html = fs.readFileSync(new URL(`../../../src/renderer/${page}`, import.meta.url), 'utf8');
      assert.equal(html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1], expected, page);
      assert.doesNotMatch(html, /<script>|\son[a-z]+=/i, `${page}: no inline script or handlers`);
    }
  });

  it('opens Settings at the sizes the layout test checks for clipping (test/renderer/settings-layout.test.ts)', () => {
    const o = SETTINGS_WINDOW_OPTIONS;
    assert.deepEqual({ default: { width: o.width, height: o.height }, min: { width: o.minWidth, height: o.minHeight } }, { default: { width: 900, height: 640 }, min: { width: 640, height: 480 } });
  });

  it('passes DevTools through only when asked (development builds)', () => {
    const { factory, windows } = fakeWindowFactory();
    createAppWindow(factory, 'settings', { preload: '/p.cjs', devTools: true }, SETTINGS_WINDOW_OPTIONS);
    createAppWindow(factory, 'settings', '/p.cjs', SETTINGS_WINDOW_OPTIONS);
    assert.deepEqual(windows.map((w) => w.options.webPreferences?.devTools), [true, false]);
  });
});
