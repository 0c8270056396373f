// End-to-end: the real app under Playwright's Electron driver (issue 7). Runs where an
// Electron binary exists; here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1) every test
// reports SKIPPED with "skipped: no Electron binary", never as passed.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, it, type TestContext } from 'node:test';
import { _electron, type ElectronApplication } from 'playwright-core';
import { buildElectron } from '../../scripts/build-electron.mjs';
import { ROOT } from '../renderer/renderer-harness.js';

/** The Electron binary path, or undefined when it was never downloaded. */
function electronBinary(): string | undefined {
  try {
    const p: unknown = createRequire(import.meta.url)('electron');
    return typeof p === 'string' && fs.existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
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
    // One endpoint, so a tool call needs an unlock (nothing listens on port 9: the call never logs in).
    const add = spawnSync(process.execPath, [path.join(ROOT, 'bin/keybroker.js'), 'endpoint', 'add', 'vsphere', 'vc1', '--url', 'https://127.0.0.1:9', '--user', 'e2e', '--password-stdin'], { input: 'e2e-password\n', env: { ...process.env, KEYBROKER_HOME: home } });
    assert.equal(add.status, 0, add.stderr.toString());
    app = await _electron.launch({ executablePath: binary, args: [ROOT], env: { ...process.env, KEYBROKER_HOME: home } as Record<string, string> });
  });
  after(async () => {
    await app?.close();
    // The item is in this home's own keychain namespace (never the real app's); remove it
    // with the endpoint rather than leave it behind in the developer's keychain.
    if (home) spawnSync(process.execPath, [path.join(ROOT, 'bin/keybroker.js'), 'endpoint', 'remove', 'vc1'], { env: { ...process.env, KEYBROKER_HOME: home } });
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('launches with one single-instance main process and no window', async (t) => {
    if (skipUnlessElectron(t)) return;
    const locked = await app!.evaluate(({ app: a }) => a.hasSingleInstanceLock());
    assert.equal(locked, true);
    assert.equal(app!.windows().length, 0);
  });

  it('has the tray ready, showing "locked"', async (t) => {
    if (skipUnlessElectron(t)) return;
    let state: unknown;
    for (let i = 0; i < 100 && state === undefined; i++) {
      state = await app!.evaluate(() => (globalThis as { __keybrokerTrayState?: string }).__keybrokerTrayState);
      if (state === undefined) await new Promise((r) => setTimeout(r, 100));
    }
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
