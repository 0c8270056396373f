import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigInvalidError } from '../../src/base/errors/config-invalid-error.js';
import { HostAlreadyRunningError } from '../../src/platform/host/host-lock.js';
import { HttpPortInUseError } from '../../src/platform/http/http-errors.js';
import { stopWithin } from '../../src/main/lifecycle/quit-within.js';
import { appLogPath, describeStartupFailure, reportStartupFailure } from '../../src/main/lifecycle/startup-failure.js';
import { productionMenuTemplate } from '../../src/main/windows/app-menu.js';
import { secureWebPreferences } from '../../src/main/windows/secure-web-preferences.js';

describe('describeStartupFailure()', () => {
  const home = '/Users/ann/Library/Application Support/KeyBroker';
  it('names the port and where to change it when the HTTP port is taken', () => {
    const f = describeStartupFailure(new HttpPortInUseError(8765), home);
    assert.equal(f.code, 'CORE_HTTP_PORT_IN_USE');
    assert.equal(f.reason, "The HTTP front door's port 8765 on 127.0.0.1 is taken by another program.");
    assert.match(f.next, /set another "port" under "http" in .*KeyBroker\/config\.json/);
  });
  it('gives every case one line of reason and one of next step', () => {
    for (const e of [new HostAlreadyRunningError(42, `${home}/host.lock`), new ConfigInvalidError('x', 'bad\nfield'), new Error('boom\n  at stack'), 'not an error']) {
      const f = describeStartupFailure(e, home);
      assert.doesNotMatch(f.reason + f.next, /\n/);
      assert.ok(f.next.length > 0, 'every start-up failure says what to do next');
    }
  });
  it('writes the failure to <home>/app.log (0600, appended) and shows it in the dialog', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-fail-'));
    try {
      const home = path.join(dir, 'home');
      const shown: string[][] = [];
      reportStartupFailure(new Error('first'), { home, showErrorBox: (t, c) => shown.push([t, c]), now: () => new Date(0) });
      reportStartupFailure(new Error('second'), { home, showErrorBox: (t, c) => shown.push([t, c]), now: () => new Date(0) });
      const lines = fs.readFileSync(appLogPath(home), 'utf8').trimEnd().split('\n');
      assert.equal(lines.length, 2);
      assert.match(lines[1]!, /^1970-01-01T00:00:00\.000Z start-up failed \[UNKNOWN\] KeyBroker could not start: second Run 'keybroker serve'/);
      assert.equal(fs.statSync(appLogPath(home)).mode & 0o777, 0o600);
      assert.deepEqual(shown[0]![0], 'KeyBroker could not start');
      assert.match(shown[0]![1]!, /first\n\nRun 'keybroker serve'/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stopWithin()', () => {
  it('reports stopped, failed, or timed-out for a stop that never settles', async () => {
    assert.equal(await stopWithin(async () => undefined, 1000), 'stopped');
    assert.equal(await stopWithin(async () => { throw new Error('x'); }, 1000), 'failed');
    assert.equal(await stopWithin(() => new Promise(() => undefined), 1), 'timed-out');
  });
});

describe('production menu and DevTools', () => {
  it('macOS keeps the app and Edit menus (Cmd-C/V/Q), with no Reload or DevTools; others get no menu', () => {
    const mac = productionMenuTemplate('darwin');
    assert.deepEqual(mac, [{ role: 'appMenu' }, { role: 'editMenu' }]);
    assert.doesNotMatch(JSON.stringify(mac), /reload|toggleDevTools|forceReload|viewMenu/i);
    assert.equal(productionMenuTemplate('linux'), null);
    assert.equal(productionMenuTemplate('win32'), null);
  });
  it('windows have DevTools off unless asked for', () => {
    assert.equal(secureWebPreferences('/p.cjs').devTools, false);
    assert.equal(secureWebPreferences('/p.cjs', true).devTools, true);
  });
});
