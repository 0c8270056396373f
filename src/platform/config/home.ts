import os from 'node:os';
import path from 'node:path';

/**
 * Where KeyBroker keeps its files (DESIGN.md "Configuration and files"):
 * `KEYBROKER_HOME`, else the per-OS application-support folder.
 */
export function resolveHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, homedir: string = os.homedir()): string {
  const explicit = env['KEYBROKER_HOME'];
  if (explicit) return path.resolve(explicit);
  switch (platform) {
    case 'darwin':
      return path.join(homedir, 'Library', 'Application Support', 'KeyBroker');
    case 'win32':
      return path.join(env['APPDATA'] || path.join(homedir, 'AppData', 'Roaming'), 'KeyBroker');
    default: {
      const xdg = env['XDG_CONFIG_HOME'];
      // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
      const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir, '.config');
      return path.join(base, 'keybroker');
    }
  }
}

/** The files under `<home>`, named once so nothing else spells a path. */
export function homePaths(home: string) {
  return {
    home,
    config: path.join(home, 'config.json'),
    /** Held while one process changes config.json (config-lock.ts). */
    configLock: path.join(home, 'config.json.lock'),
    audit: path.join(home, 'audit.log'),
    lock: path.join(home, 'host.lock'),
    control: path.join(home, 'control.sock'),
    gateway: path.join(home, 'gateway.sock'),
    run: path.join(home, 'run'),
    /** Pinned tool definitions (issue 14). */
    toolPins: path.join(home, 'tool-pins.json'),
    /** The policy a person last confirmed; counts only with its digest in the keychain (D281). */
    confirmedPolicy: path.join(home, 'policy-confirmed.json'),
  } as const;
}
export type HomePaths = ReturnType<typeof homePaths>;
