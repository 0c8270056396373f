// Where the Electron binary of node_modules/electron is, without ever downloading it.
// `require('electron')` downloads a missing binary on first use (electron/index.js), which a
// test probe or `npm start` must not do behind the user's back.
import fs from 'node:fs';
import path from 'node:path';

/** The Electron executable under `root`'s node_modules, or undefined when it was never downloaded. */
export function electronBinary(root, env = process.env) {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  const name = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && !name) return undefined;
  const exe = override ? path.join(override, name || 'electron') : path.join(pkg, 'dist', name);
  return fs.existsSync(exe) ? exe : undefined;
}
