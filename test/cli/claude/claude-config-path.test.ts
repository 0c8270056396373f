import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { claudeDesktopConfigPath } from '../../../src/cli/claude/claude-config-path.js';

describe('claudeDesktopConfigPath()', () => {
  it('macOS: ~/Library/Application Support/Claude', () => {
    assert.equal(claudeDesktopConfigPath({}, 'darwin', '/Users/me'), '/Users/me/Library/Application Support/Claude/claude_desktop_config.json');
  });

  it('Windows: %APPDATA%\\Claude, else the roaming folder under the profile', () => {
    assert.equal(claudeDesktopConfigPath({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32', 'C:\\Users\\me'), 'C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json');
    assert.equal(claudeDesktopConfigPath({ USERPROFILE: 'D:\\profiles\\me' }, 'win32', 'C:\\ignored'), 'D:\\profiles\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json');
  });

  it('Linux: $XDG_CONFIG_HOME/Claude, else ~/.config/Claude; a relative XDG_CONFIG_HOME is ignored', () => {
    assert.equal(claudeDesktopConfigPath({}, 'linux', '/home/me'), '/home/me/.config/Claude/claude_desktop_config.json');
    assert.equal(claudeDesktopConfigPath({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/me'), '/xdg/Claude/claude_desktop_config.json');
    assert.equal(claudeDesktopConfigPath({ XDG_CONFIG_HOME: 'rel' }, 'linux', '/home/me'), '/home/me/.config/Claude/claude_desktop_config.json');
  });

  it('takes the home folder from HOME in the given environment', () => {
    assert.equal(claudeDesktopConfigPath({ HOME: '/tmp/h' }, 'linux'), '/tmp/h/.config/Claude/claude_desktop_config.json');
  });
});
