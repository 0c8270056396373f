import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAppWindow, SETTINGS_WINDOW_OPTIONS } from '../../../src/main/windows/create-app-window.js';
import { SettingsWindow } from '../../../src/main/windows/settings-window.js';
import { fakeWindowFactory } from '../../mocks/electron.js';
import { assertHardened } from './assert-hardened.js';

describe('SettingsWindow', () => {
  it('opens one hardened window on the asked section, reuses it, and closes on dispose', async () => {
    const { factory, windows } = fakeWindowFactory();
    const settings = new SettingsWindow((section) => createAppWindow(factory, 'settings', '/p.cjs', SETTINGS_WINDOW_OPTIONS, section));
    settings.open('audit');
    assert.equal(windows[0]!.loadedUrl, 'app://keybroker/settings.html#audit');
    assertHardened(windows[0]!);
    windows[0]!.becomeReady();
    assert.equal(windows[0]!.showCalls, 1);
    settings.open('endpoints');
    assert.equal(windows.length, 1);
    await Promise.resolve();
    assert.equal(windows[0]!.loadedUrl, 'app://keybroker/settings.html#endpoints');
    settings.send('approvals:changed', []);
    assert.equal(windows[0]!.webContents.sent.length, 1);
    settings.dispose();
    assert.equal(windows[0]!.isDestroyed(), true);
  });

  it('ignores a section that is not a plain name', () => {
    const { factory, windows } = fakeWindowFactory();
    createAppWindow(factory, 'settings', '/p.cjs', SETTINGS_WINDOW_OPTIONS, 'x"><script>');
    assert.equal(windows[0]!.loadedUrl, 'app://keybroker/settings.html');
  });
});
