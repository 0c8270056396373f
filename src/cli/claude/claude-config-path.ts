import os from 'node:os';
import path from 'node:path';

/** The file name Claude Desktop reads its MCP servers from. */
export const CLAUDE_CONFIG_FILE = 'claude_desktop_config.json';

/**
 * Claude Desktop's config file for this user: macOS `~/Library/Application Support/Claude`,
 * Windows `%APPDATA%\Claude`, Linux `$XDG_CONFIG_HOME/Claude` (default `~/.config/Claude`, where
 * the community Linux builds look). Paths are built with the target platform's path rules so
 * every branch can be tested on any machine.
 */
export function claudeDesktopConfigPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, homedir: string = env['HOME'] || os.homedir()): string {
  switch (platform) {
    case 'darwin':
      return path.posix.join(homedir, 'Library', 'Application Support', 'Claude', CLAUDE_CONFIG_FILE);
    case 'win32': {
      const home = env['USERPROFILE'] || homedir;
      return path.win32.join(env['APPDATA'] || path.win32.join(home, 'AppData', 'Roaming'), 'Claude', CLAUDE_CONFIG_FILE);
    }
    default: {
      const xdg = env['XDG_CONFIG_HOME'];
      // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored (as resolveHome does).
      const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(homedir, '.config');
      return path.posix.join(base, 'Claude', CLAUDE_CONFIG_FILE);
    }
  }
}
