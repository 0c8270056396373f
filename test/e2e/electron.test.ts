// End-to-end: the real app under Playwright's Electron driver (issue 7). Runs where an
// Electron binary exists; here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1) every test
// reports SKIPPED with "skipped: no Electron binary", never as passed.
//
// Safe on a developer's Mac (issue 15): the binary probe never downloads Electron (not
// `require('electron')`, which does), and the app runs on its own KEYBROKER_HOME in a temp
// folder, so its keychain items are in that home's namespace, not the user's. The setup
// writes no keychain item at all: the endpoint is written to config.json only, and the test
// denies its unlock, so no password is ever read either.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { _electron, type ElectronApplication } from 'playwright-core';
import { buildElectron } from '../../scripts/build-electron.mjs';
import { electronBinary } from '../../scripts/electron-binary.mjs';
import { Config, emptyConfig } from '../../src/base/contracts/config.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { ROOT } from '../renderer/renderer-harness.js';
import { until } from '../support/wait.js';

const ELECTRON_PKG = path.join(ROOT, 'node_modules', 'electron');
const downloadedBefore = fs.existsSync(path.join(ELECTRON_PKG, 'path.txt'));
const binary = electronBinary(ROOT);
const hasDisplay = process.platform !== 'linux' || Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']);
const SKIP = 'skipped: no Electron binary';

function skipUnlessElectron(t: TestContext): boolean {
  if (binary && hasDisplay) return false;
  const why = binary ? 'skipped: no display for Electron' : SKIP;
  console.log(why);
  t.skip(why);
  return true;
}

describe('KeyBroker desktop app (_electron)', () => {
  let app: ElectronApplication | undefined;
  let home: string | undefined;

  before(async () => {
    if (!binary || !hasDisplay) return;
    await buildElectron({ quiet: true });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-e2e-'));
    // One endpoint, so a tool call needs an unlock (nothing listens on port 9: the call never
    // logs in). config.json only: no password goes to any keychain.
    new ConfigStore(home).save(Config.parse({
      ...emptyConfig(),
      endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://127.0.0.1:9', username: 'e2e', readOnly: false, tls: { verify: true }, credential: 'endpoint:vc1' }],
      credentials: [{ id: 'endpoint:vc1' }],
    }));
    app = await _electron.launch({ executablePath: binary, args: [ROOT], env: { ...process.env, KEYBROKER_HOME: home } as Record<string, string> });
  });
  after(async () => {
    await app?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('probes for the Electron binary without downloading it', () => {
    // Runs everywhere: electron/index.js would start a download here; our probe reads path.txt.
    assert.equal(fs.existsSync(path.join(ELECTRON_PKG, 'path.txt')), downloadedBefore);
    if (!downloadedBefore && !process.env['ELECTRON_OVERRIDE_DIST_PATH']) {
      assert.equal(binary, undefined);
      assert.equal(fs.existsSync(path.join(ELECTRON_PKG, 'dist')), false, 'nothing was downloaded');
    }
    // The probe never loads the package (whose index.js downloads): a stand-in that would leave a mark.
    const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-electron-probe-'));
    try {
      fs.mkdirSync(path.join(fake, 'node_modules', 'electron'), { recursive: true });
      fs.writeFileSync(path.join(fake, 'node_modules', 'electron', 'index.js'), `require('fs').writeFileSync(${JSON.stringify(path.join(fake, 'loaded'))}, '')`);
      assert.equal(electronBinary(fake, {}), undefined);
      assert.equal(fs.existsSync(path.join(fake, 'loaded')), false, 'electron/index.js was not loaded');
      fs.writeFileSync(path.join(fake, 'node_modules', 'electron', 'path.txt'), 'electron');
      fs.mkdirSync(path.join(fake, 'node_modules', 'electron', 'dist'));
      fs.writeFileSync(path.join(fake, 'node_modules', 'electron', 'dist', 'electron'), '');
      assert.equal(electronBinary(fake, {}), path.join(fake, 'node_modules', 'electron', 'dist', 'electron'));
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  });

  it('launches with one single-instance main process and no window (an endpoint exists, so no first-run Settings)', async (t) => {
    if (skipUnlessElectron(t)) return;
    const locked = await app!.evaluate(({ app: a }) => a.hasSingleInstanceLock());
    assert.equal(locked, true);
    assert.equal(app!.windows().length, 0);
  });

  it('has the tray ready, showing "locked"', async (t) => {
    if (skipUnlessElectron(t)) return;
    let state: unknown;
    await until('the tray state', async () => {
      state = await app!.evaluate(() => (globalThis as { __keybrokerTrayState?: string }).__keybrokerTrayState);
      return state !== undefined;
    }, 100);
    assert.equal(state, 'locked');
  });

  it('round-trips an approval through the popup', async (t) => {
    if (skipUnlessElectron(t)) return;
    // A tool call needs an unlock of vc1: the popup opens (Touch ID is macOS-only and absent
    // on CI runners), we deny it, and the CLI call fails with "denied by the user".
    const popupPromise = app!.waitForEvent('window', { predicate: (w) => w.url().endsWith('/popup.html') });
    const call = spawn(process.execPath, [path.join(ROOT, 'bin/keybroker.js'), 'call', 'vsphere', 'vsphere_list_datacenters', '--args', '{"endpoint":"vc1"}'], { env: { ...process.env, KEYBROKER_HOME: home } });
    let stderr = '';
    call.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => call.on('exit', r));
    const popup = await popupPromise;
    await popup.locator('[data-field="endpoint"]').filter({ hasText: 'vc1' }).waitFor();
    await popup.getByRole('button', { name: 'Deny' }).click();
    assert.notEqual(await exited, 0);
    assert.match(stderr, /denied/);
  });
});
