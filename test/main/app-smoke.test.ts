// Smoke-runs the real bundled main process (dist/main/index.js, i.e. main/app.ts as
// composed) under Node with a fake `electron` (test/fixtures/electron-main/). No Electron
// binary is needed: this checks the wiring (single instance, protocol, every IPC handler
// registered before any window, tray up in the locked state, clean quit).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { buildElectron } from '../../scripts/build-electron.mjs';
import { ipcChannels } from '../../src/core/common/contracts/ipc-channels.js';
import { ROOT } from '../renderer/renderer-harness.js';

interface Line {
  ev: string;
  [key: string]: unknown;
}

describe('main process bundle under a fake electron', () => {
  let lines: Line[] = [];
  let status: number | null = null;
  let stderr = '';

  before(async () => {
    // dist/mcp comes from scripts/build.mjs, which scripts/test.mjs runs before every test.
    await buildElectron({ quiet: true });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-main-'));
    const r = spawnSync(process.execPath, ['--import', path.join(ROOT, 'test/fixtures/electron-main/register.mjs'), path.join(ROOT, 'dist/main/index.js')], {
      env: { PATH: process.env['PATH'] ?? '', HOME: home, KEYBROKER_HOME: home },
      encoding: 'utf8',
      timeout: 60_000,
    });
    fs.rmSync(home, { recursive: true, force: true });
    status = r.status;
    stderr = r.stderr;
    lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
  });

  it('starts, shows the tray and quits cleanly', () => {
    assert.equal(status, 0, stderr);
    const evs = lines.map((l) => l.ev);
    assert.equal(evs[0], 'app.requestSingleInstanceLock');
    assert.ok(evs.includes('protocol.handle'));
    assert.ok(evs.includes('session.setPermissionRequestHandler'));
    assert.match(String(lines.find((l) => l.ev === 'tray.setImage')?.['image']), /tray-lockedTemplate\.png$/);
    assert.ok(evs.indexOf('app.quit') < evs.indexOf('app.exit'));
    assert.ok(evs.includes('tray.destroy'), 'the tray is disposed on quit');
  });

  it('registers every IPC channel before any window exists', () => {
    const handled = lines.filter((l) => l.ev === 'ipcMain.handle').map((l) => String(l['channel']));
    assert.deepEqual(handled.sort(), Object.keys(ipcChannels).sort());
    const firstWindow = lines.findIndex((l) => l.ev === 'BrowserWindow');
    const lastHandler = lines.map((l) => l.ev).lastIndexOf('ipcMain.handle');
    assert.ok(firstWindow === -1 || firstWindow > lastHandler);
  });

  it('runs the MCP servers as utility processes', () => {
    const forks = lines.filter((l) => l.ev === 'utilityProcess.fork').map((l) => path.relative(ROOT, String(l['modulePath'])));
    assert.ok(forks.length >= 1, `forks: ${JSON.stringify(forks)}; stderr: ${stderr}`);
    for (const f of forks) assert.match(f, /^dist\/mcp\/[a-z0-9]+\/index\.js$/);
  });
});
