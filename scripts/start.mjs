// `npm start`: build, then run the tray app where Electron and a display exist,
// else the headless host (`keybroker serve`), saying in one line why.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await buildAll({ quiet: true });

/**
 * The Electron binary, if one was installed. Read from the package's path.txt rather than
 * `require('electron')`, which tries to download a missing binary on first use.
 */
function electronBinary() {
  const pkg = path.join(root, 'node_modules', 'electron');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = path.join(pkg, 'path.txt');
  if (!override && !fs.existsSync(pathFile)) return undefined;
  const exe = override ? path.join(override, 'electron') : path.join(pkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(exe) ? exe : undefined;
}

function whyHeadless() {
  if (!fs.existsSync(path.join(root, 'dist/main/index.js'))) return 'the tray app is not part of this build yet';
  if (!electronBinary()) return 'no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (DISPLAY/WAYLAND_DISPLAY unset)';
  return undefined;
}

const reason = whyHeadless();
const [cmd, args] = reason
  ? [process.execPath, [path.join(root, 'bin/keybroker.js'), 'serve', ...process.argv.slice(2)]]
  : [electronBinary(), [root, ...process.argv.slice(2)]];
if (reason) console.error(`keybroker: starting the headless host (keybroker serve): ${reason}`);

const child = spawn(cmd, args, { stdio: 'inherit' });
// A terminal's Ctrl-C reaches the child through the process group already; forwarding it
// too would count as a second Ctrl-C ("stop now"). SIGTERM and SIGHUP sent to us alone are
// forwarded (the host takes a repeat within a second as the same signal). Either way we wait
// for the host's logout and exit with its code: 0 for a clean stop (docs/CLI.md).
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGHUP', () => child.kill('SIGHUP'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
