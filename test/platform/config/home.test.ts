import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { resolveHome } from '../../../src/platform/config/home.js';

describe('resolveHome()', () => {
  it('prefers KEYBROKER_HOME on every OS', () => {
    for (const os of ['darwin', 'linux', 'win32'] as const) {
      assert.equal(resolveHome({ KEYBROKER_HOME: '/srv/kb' }, os, '/home/u'), path.resolve('/srv/kb'));
    }
  });
  it('uses Application Support on macOS', () => {
    assert.equal(resolveHome({}, 'darwin', '/Users/u'), '/Users/u/Library/Application Support/KeyBroker');
  });
  it('uses XDG_CONFIG_HOME on Linux, and ~/.config when unset or relative', () => {
    assert.equal(resolveHome({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux', '/home/u'), '/x/cfg/keybroker');
    assert.equal(resolveHome({}, 'linux', '/home/u'), '/home/u/.config/keybroker');
    assert.equal(resolveHome({ XDG_CONFIG_HOME: 'rel' }, 'linux', '/home/u'), '/home/u/.config/keybroker');
  });
  it('uses APPDATA on Windows', () => {
    assert.equal(resolveHome({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'), path.join('C:\\Users\\u\\AppData\\Roaming', 'KeyBroker'));
  });
});
