// `npm start`: build, then run the tray app where Electron and a display exist,
// else the headless host (`keybroker serve`), saying in one line why.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await buildAll({ quiet: true });

function electronBinary() {
  try {
    // The electron package exports the binary path; it throws when the binary was never downloaded.
    const p = createRequire(import.meta.url)('electron');
    return typeof p === 'string' && fs.existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
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
// Ctrl-C reaches the child through the terminal's process group; just mirror its exit.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
