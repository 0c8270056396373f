import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../cli-error.js';

/** Where this KeyBroker installation lives, and the files Claude Desktop integration needs from it. */
export interface KeybrokerInstall {
  /** The package folder (holds package.json, dist/, and bin/ in a checkout or npm install). */
  readonly root: string;
  /**
   * `bin/keybroker.js`, the `keybroker` command; undefined inside the packaged desktop app,
   * which packs only dist/ and package.json (electron-builder.yml `files`) into app.asar.
   */
  readonly bin: string | undefined;
  /**
   * `dist/cli/bridge.cjs`, the built-ins-only CommonJS bridge bundle `npm run build` makes:
   * what `claude install` points Claude Desktop at, and what `claude mcpb` packs.
   */
  readonly bridge: string;
  /**
   * `assets/icon.png`, shown by Claude Desktop for a bundle when present; in the packaged app
   * `<resources>/assets/icon.png` (electron-builder.yml `extraResources`).
   */
  readonly icon: string;
  /** package.json `version`, which becomes the bundle version. */
  readonly version: string;
}

/**
 * Find the installation by walking up from this module to the `keybroker` package.json.
 * Walking up rather than a fixed `../..` because this code runs both from src/ (tests, tsx)
 * and bundled into dist/cli/index.js, at different depths; and from the real path, so an
 * `npm link`ed or globally installed copy still yields absolute paths into the package.
 * A folder counts when it holds bin/keybroker.js (checkout, npm) or dist/cli/bridge.cjs
 * (the packaged app's app.asar, which has no bin/).
 */
export function findKeybrokerInstall(from: string = path.dirname(fileURLToPath(import.meta.url))): KeybrokerInstall {
  for (let dir = fs.realpathSync(from); ; dir = path.dirname(dir)) {
    const pkg = readPackage(path.join(dir, 'package.json'));
    const bin = path.join(dir, 'bin', 'keybroker.js');
    const bridge = path.join(dir, 'dist', 'cli', 'bridge.cjs');
    const hasBin = fs.existsSync(bin);
    if (pkg?.name === 'keybroker' && (hasBin || fs.existsSync(bridge))) {
      return {
        root: dir,
        bin: hasBin ? bin : undefined,
        bridge,
        icon: hasBin ? path.join(dir, 'assets', 'icon.png') : path.join(path.dirname(dir), 'assets', 'icon.png'),
        version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
      };
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new CliError(`cannot find the KeyBroker package folder above ${from}; reinstall KeyBroker or run it from its folder`);
}

function readPackage(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined; // missing or unreadable: keep walking up.
  }
}
