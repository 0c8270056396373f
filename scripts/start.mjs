// `npm start`: build, then run the tray app where Electron and a display exist,
// else the headless host (`keybroker serve`), saying in one line why.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';
import { electronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await buildAll({ quiet: true });

const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const HOW = 'node node_modules/electron/install.js (needs Node 22.12 or later and access to github.com), then npm start';

/**
 * Electron 45 has no install script: its binary is fetched on first use. Where the tray app
 * can run (a Mac, Windows, a Linux desktop) and the binary is missing, fetch it now, saying so,
 * with Electron's own installer; where that cannot work, say exactly what to run. Returns why
 * there is still no binary, or undefined once there is one.
 */
function fetchElectronIfMissing() {
  if (electronBinary(root)) return undefined;
  if (!hasDisplay) return undefined; // headless anyway: whyHeadless() says why.
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return `no Electron binary and ELECTRON_SKIP_BINARY_DOWNLOAD is set; to get it unset the variable and run ${HOW}`;
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) return `no Electron binary, and Electron 45's downloader needs Node 22.12 or later (this is ${process.versions.node}); install a newer Node and run ${HOW}`;
  console.error('keybroker: downloading the Electron binary once (node node_modules/electron/install.js)...');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron', 'install.js')], { stdio: 'inherit' });
  if (r.status !== 0 || !electronBinary(root)) return `the Electron download failed (see above); check the network, then run ${HOW}`;
  return undefined;
}

const downloadProblem = fetchElectronIfMissing();

function whyHeadless() {
  if (!fs.existsSync(path.join(root, 'dist/main/index.js'))) return 'the tray app is not part of this build yet';
  if (downloadProblem) return downloadProblem;
  if (!electronBinary(root)) return `no Electron binary; to get it run ${HOW}`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (DISPLAY/WAYLAND_DISPLAY unset)';
  return undefined;
}

const reason = whyHeadless();
const [cmd, args] = reason
  ? [process.execPath, [path.join(root, 'bin/keybroker.js'), 'serve', ...process.argv.slice(2)]]
  : [electronBinary(root), [root, ...process.argv.slice(2)]];
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
