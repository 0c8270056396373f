import assert from 'node:assert/strict';
import type { FakeBrowserWindow } from '../../mocks/electron.js';

/** The Electron security checklist, asserted on one window. */
export function assertHardened(w: FakeBrowserWindow): void {
  const p = w.options.webPreferences ?? {};
  assert.equal(p.contextIsolation, true);
  assert.equal(p.sandbox, true);
  assert.equal(p.nodeIntegration, false);
  assert.equal(p.nodeIntegrationInWorker, false);
  assert.equal(p.nodeIntegrationInSubFrames, false);
  assert.equal(p.webSecurity, true);
  assert.equal(p.allowRunningInsecureContent, false);
  assert.equal(p.webviewTag, false);
  assert.equal(p.experimentalFeatures, false);
  assert.equal(w.options.show, false, 'windows start hidden; the popup uses showInactive');
  assert.match(w.loadedUrl ?? '', /^app:\/\/keybroker\/[a-z]+\.html(#[a-z]+)?$/);
  assert.equal(w.webContents.tryNavigate('will-navigate', 'https://evil.example/'), true);
  assert.equal(w.webContents.tryNavigate('will-redirect', 'https://evil.example/'), true);
  assert.equal(w.webContents.tryNavigate('will-attach-webview', 'https://evil.example/'), true);
  assert.deepEqual(w.webContents.openHandler?.({ url: 'https://evil.example/' } as never), { action: 'deny' });
}
