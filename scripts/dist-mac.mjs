// `npm run dist:mac`: the universal macOS app. npm installs only this Mac's CPU variant of the
// keychain addon (@napi-rs/keyring-darwin-arm64 or -x64); a universal app needs both in both
// builds, so install the two prebuilt packages (same version as the lock file, not saved),
// then build and package. Signing and notarization come from the environment (docs/PACKAGING.md).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.platform !== 'darwin') {
  console.error('dist:mac: a macOS app can only be signed and packaged on macOS; on this machine run npm run dist');
  process.exit(2);
}
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const version = lock.packages['node_modules/@napi-rs/keyring']?.version;
if (!version) {
  console.error("dist:mac: @napi-rs/keyring is not in package-lock.json; run 'npm ci' first");
  process.exit(1);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// --force: npm otherwise refuses a package for another CPU (EBADPLATFORM).
execFileSync(npm, ['install', '--no-save', '--force', `@napi-rs/keyring-darwin-arm64@${version}`, `@napi-rs/keyring-darwin-x64@${version}`], { cwd: root, stdio: 'inherit' });
execFileSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
execFileSync(path.join(root, 'node_modules', '.bin', 'electron-builder'), ['--config', 'electron-builder.yml', '--mac'], { cwd: root, stdio: 'inherit' });
