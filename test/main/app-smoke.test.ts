// Smoke-runs the real bundled main process (dist/main/index.js, i.e. main/app.ts as
// composed) under Node with a fake `electron` (test/fixtures/electron-main/). No Electron
// binary is needed: this checks the wiring (single instance, protocol, every IPC handler
// registered before any window, tray up in the locked state, clean quit), and the life of
// the app (issue 15): first run, reopening, start-up failures, Quit with a hung child, and
// no DevTools in a packaged build.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildElectron } from '../../scripts/build-electron.mjs';
import { Config, emptyConfig } from '../../src/base/contracts/config.js';
import { ipcChannels } from '../../src/base/contracts/ipc-channels.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { readAudit } from '../support/audit-file.js';
import { startSecretService } from '../support/secret-service.js';
import { ROOT } from '../renderer/renderer-harness.js';

interface Line {
  ev: string;
  [key: string]: unknown;
}
interface Run {
  readonly status: number | null;
  readonly stderr: string;
  readonly lines: Line[];
  readonly evs: string[];
}

const homes: string[] = [];
function newHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-main-'));
  homes.push(home);
  return home;
}

/** Run dist/main/index.js under the fake electron with the FAKE_ELECTRON `scenario`, on `home`. */
function runMain(home: string, scenario = '', extraEnv: Readonly<Record<string, string>> = {}): Run {
  const r = spawnSync(process.execPath, ['--import', path.join(ROOT, 'test/fixtures/electron-main/register.mjs'), path.join(ROOT, 'dist/main/index.js')], {
    env: { PATH: process.env['PATH'] ?? '', HOME: home, KEYBROKER_HOME: home, FAKE_ELECTRON: scenario, ...extraEnv },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
  return { status: r.status, stderr: r.stderr, lines, evs: lines.map((l) => l.ev) };
}

/**
 * A home with one endpoint, so the app does not open Settings by itself; `children` sets
 * config `children` (default: on demand; `{ idleStopSeconds: 0 }` is always on).
 */
function configuredHome(children?: Config['children']): string {
  const home = newHome();
  new ConfigStore(home).save(Config.parse({
    ...emptyConfig(),
    ...(children && { children }),
    endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: false, tls: { verify: true }, credential: 'endpoint:vc1' }],
    credentials: [{ id: 'endpoint:vc1' }],
  }));
  return home;
}

const settingsLoads = (run: Run) => run.lines.filter((l) => l.ev === 'window.loadURL' && String(l['url']).includes('settings.html')).map((l) => String(l['url']));

describe('main process bundle under a fake electron', () => {
  let first: Run;

  before(async () => {
    // dist/mcp comes from scripts/build.mjs, which scripts/test.mjs runs before every test.
    await buildElectron({ quiet: true });
    first = runMain(newHome());
  });
  after(() => {
    for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
  });

  it('starts, shows the tray and quits cleanly', () => {
    assert.equal(first.status, 0, first.stderr);
    const evs = first.evs;
    assert.equal(evs[0], 'app.requestSingleInstanceLock');
    assert.ok(evs.includes('protocol.handle'), 'the app:// protocol is handled');
    assert.ok(evs.includes('session.setPermissionRequestHandler'), 'a permission request handler is set on the session');
    assert.match(String(first.lines.find((l) => l.ev === 'tray.setImage')?.['image']), process.platform === 'darwin' ? /tray-lockedTemplate\.png$/ : /tray-locked\.png$/);
    assert.ok(evs.indexOf('app.quit') < evs.indexOf('app.exit'), 'quit comes before exit');
    assert.ok(evs.includes('tray.destroy'), 'the tray is disposed on quit');
  });

  it('registers every IPC channel before any window exists', () => {
    const handled = first.lines.filter((l) => l.ev === 'ipcMain.handle').map((l) => String(l['channel']));
    assert.deepEqual(handled.sort(), Object.keys(ipcChannels).sort());
    const firstWindow = first.evs.indexOf('BrowserWindow');
    const lastHandler = first.evs.lastIndexOf('ipcMain.handle');
    assert.ok(firstWindow === -1 || firstWindow > lastHandler, 'every IPC handler is registered before the first window is created');
  });

  it('runs the MCP servers as utility processes: on demand by default (none at start), from the start when always on', () => {
    const forksOf = (run: Run) => run.lines.filter((l) => l.ev === 'utilityProcess.fork').map((l) => path.relative(ROOT, String(l['modulePath'])));
    assert.deepEqual(forksOf(first), [], 'children on demand (the default): no request, no child');
    const alwaysOn = runMain(configuredHome({ idleStopSeconds: 0 }));
    assert.equal(alwaysOn.status, 0, alwaysOn.stderr);
    const forks = forksOf(alwaysOn);
    assert.ok(forks.length >= 1, `forks: ${JSON.stringify(forks)}; stderr: ${alwaysOn.stderr}`);
    // The CommonJS entry (D111): Electron loads it through its ESM loader, which takes .cjs as CommonJS.
    for (const f of forks) assert.match(f, /^dist\/mcp\/[a-z0-9]+\/index\.cjs$/);
  });

  it('on first run (no endpoints) opens Settings on the Endpoints page, once the tray is up', () => {
    assert.deepEqual(settingsLoads(first), ['app://keybroker/settings.html#endpoints']);
    assert.ok(first.evs.indexOf('tray.setContextMenu') < first.evs.indexOf('window.loadURL'), 'the tray menu is set before Settings loads');
    assert.ok(first.evs.includes('window.show'), 'shown when ready');
  });

  it('with endpoints, opens no window at start; reopening the app (activate) opens Settings', () => {
    const quiet = runMain(configuredHome());
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.deepEqual(settingsLoads(quiet), []);
    const reopened = runMain(configuredHome(), 'activate');
    assert.equal(reopened.status, 0, reopened.stderr);
    assert.deepEqual(settingsLoads(reopened), ['app://keybroker/settings.html']);
    assert.ok(reopened.evs.indexOf('app.emit') < reopened.evs.indexOf('window.loadURL'), 'activate is handled before the Settings window loads');
  });

  it('keeps DevTools and the default menu in development, and removes both in a packaged build', () => {
    const devWindow = first.lines.find((l) => l.ev === 'BrowserWindow');
    assert.equal((devWindow?.['webPreferences'] as { devTools?: boolean }).devTools, true);
    assert.ok(!first.evs.includes('Menu.setApplicationMenu'), 'development keeps the default menu');

    const packaged = runMain(newHome(), 'packaged');
    assert.equal(packaged.status, 0, packaged.stderr);
    const windows = packaged.lines.filter((l) => l.ev === 'BrowserWindow');
    assert.ok(windows.length >= 1, 'the packaged app opens at least one window');
    for (const w of windows) assert.equal((w['webPreferences'] as { devTools?: boolean }).devTools, false);
    const menu = packaged.lines.find((l) => l.ev === 'Menu.setApplicationMenu');
    assert.ok(menu, 'the default menu (Reload, Toggle Developer Tools) is replaced');
    // This machine is Linux: no menu at all (macOS keeps only the app and Edit menus; see app-menu.test.ts).
    assert.equal(menu['menu'], process.platform === 'darwin' ? undefined : null);
    assert.ok(packaged.evs.indexOf('Menu.setApplicationMenu') < packaged.evs.indexOf('BrowserWindow'), 'the application menu is replaced before the first window');
  });

  it('shows a native dialog and writes app.log when config.json is bad, then exits 1', () => {
    const home = newHome();
    fs.writeFileSync(path.join(home, 'config.json'), '{"endpoints": [');
    const r = runMain(home);
    assert.equal(r.status, 1, r.stderr);
    const box = r.lines.find((l) => l.ev === 'dialog.showErrorBox');
    assert.ok(box, `a dialog; stderr: ${r.stderr}`);
    assert.equal(box['title'], 'KeyBroker could not start');
    assert.match(String(box['content']), /^The settings file cannot be used: .*config\.json is not valid JSON/);
    assert.match(String(box['content']), /\n\nFix .*config\.json in a text editor, or move it aside/);
    const log = fs.readFileSync(path.join(home, 'app.log'), 'utf8');
    assert.match(log, /^\d{4}-\d\d-\d\dT[^ ]+ start-up failed \[CORE_CONFIG_INVALID\] The settings file cannot be used/);
    assert.equal(fs.statSync(path.join(home, 'app.log')).mode & 0o777, 0o600);
    assert.ok(!r.evs.includes('Tray'), 'no tray for an app that is not running');
  });

  it('says another KeyBroker runs, and how to clear a stale lock, when host.lock names a live process', () => {
    const home = configuredHome();
    // A live pid that is not the app: this test runner (as 'keybroker serve' would be).
    fs.writeFileSync(path.join(home, 'host.lock'), `${process.pid}\n`);
    const r = runMain(home);
    assert.equal(r.status, 1, r.stderr);
    const content = String(r.lines.find((l) => l.ev === 'dialog.showErrorBox')?.['content']);
    assert.match(content, new RegExp(`^Another KeyBroker is already running for .* \\(pid ${process.pid}\\): this app, or 'keybroker serve' in a terminal\\.`));
    assert.match(content, /If no KeyBroker runs, the lock is stale .*: delete .*host\.lock and open KeyBroker again\./);
    assert.match(fs.readFileSync(path.join(home, 'app.log'), 'utf8'), /\[CORE_HOST_RUNNING\]/);
  });

  it("says the HTTP front door's port is taken, by which number, and where to change it", async () => {
    // The door reads its API key from the keychain first: a private Secret Service, never the user's.
    const ss = await startSecretService();
    const taken = net.createServer();
    try {
      await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
      const port = (taken.address() as net.AddressInfo).port;
      const home = newHome();
      new ConfigStore(home).save(Config.parse({ ...emptyConfig(), http: { ...emptyConfig().http, enabled: true, port } }));
      const r = runMain(home, '', ss.env);
      assert.equal(r.status, 1, r.stderr);
      const content = String(r.lines.find((l) => l.ev === 'dialog.showErrorBox')?.['content']);
      assert.match(content, new RegExp(`^The HTTP front door's port ${port} on 127\\.0\\.0\\.1 is taken by another program\\.\n\nStop that program, or set another "port" under "http" in .*config\\.json`));
      assert.match(fs.readFileSync(path.join(home, 'app.log'), 'utf8'), /\[CORE_HTTP_PORT_IN_USE\]/);
    } finally {
      await new Promise((r) => taken.close(r));
      await ss.stop();
    }
  });

  it('audits a page\'s refused invoke as frame.invalid (server ipc) through main\'s own wiring, and never a payload value (D185)', () => {
    // The handlers main/app.ts registered on (fake) ipcMain, invoked as Electron invokes them:
    // an IpcMainInvokeEvent with the page's senderFrame, and the payload.
    const PASSWORD = 'pw-Y6-never-in-audit';
    const settings = 'app://keybroker/settings.html';
    const invokes = [
      { channel: 'lock', url: settings, payload: { target: 5 } },
      { channel: 'endpoints:add', url: settings, payload: { id: 'vc2', kind: 'vsphere', url: 'not a url', username: 'admin', readOnly: false, ttlSeconds: 3600, password: PASSWORD } },
      { channel: 'lock', url: 'https://evil.example/', payload: {} },
      { channel: 'status:get', url: settings, payload: {} },
    ];
    const home = configuredHome();
    const r = runMain(home, '', { FAKE_ELECTRON_INVOKES: JSON.stringify(invokes) });
    assert.equal(r.status, 0, r.stderr);
    const answers = r.lines.filter((l) => l.ev === 'ipcMain.answered').map((l) => l['answer'] as { ok: boolean; error?: { message: string } });
    assert.deepEqual(answers.map((a) => a.ok), [false, false, false, true], `the three bad invokes are refused and the good one answered: ${r.stderr}`);
    const refused = answers.slice(0, 3).map((a) => a.error!.message);
    assert.match(refused[0]!, /^IPC lock refused: target: .+; correct it and send it again$/, 'the bad payload is refused with one line naming its field');
    assert.match(refused[2]!, /^IPC lock refused: sender "https:\/\/evil\.example\/" is not a KeyBroker page$/, 'the other site is refused as not our page');
    const records = readAudit(home).filter((a) => a.event === 'frame.invalid');
    assert.deepEqual(records.map((a) => [a.server, a.outcome, a.code, a.reason]), [
      ['ipc', 'denied', 'ipc_invalid_payload', refused[0]],
      ['ipc', 'denied', 'ipc_invalid_payload', refused[1]],
      ['ipc', 'denied', 'ipc_untrusted_sender', refused[2]],
    ], 'each refusal is audited once, with the line the page was answered; the good invoke is not');
    for (const line of refused) assert.ok(r.stderr.includes(`] ${line}\n`), `stderr says: ${line}`);
    // Security: the refused endpoint form held a password; it reaches neither the audit nor stderr.
    assert.ok(!fs.readFileSync(path.join(home, 'audit.log'), 'utf8').includes(PASSWORD), 'the audit never holds the refused form\'s password');
    assert.ok(!r.stderr.includes(PASSWORD), 'stderr never holds the refused form\'s password');
  });

  it('quits even when a child never exits: stops waiting at the deadline and exits 0', () => {
    // Always on, so a child runs when Quit comes (on demand, none would have started).
    const r = runMain(configuredHome({ idleStopSeconds: 0 }), 'hang');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.evs.includes('utilityProcess.kill ignored'), 'the child really ignored the kill');
    assert.ok(r.evs.indexOf('app.quit') < r.evs.lastIndexOf('app.exit'), 'the app asks to quit before it finally exits');
    assert.equal(r.lines.findLast((l) => l.ev === 'app.exit')?.['code'], 0);
    assert.match(r.stderr, /quit: the host did not stop cleanly \(timed-out\); exiting anyway/);
  });
});
