// KeyBroker's version, inlined into every bundle that needs it (src/base/version.ts): an
// esbuild `define` of `__KEYBROKER_VERSION__` to package.json's `version`, read here at build
// time, so no bundle reads package.json when it runs (docs/DECISIONS.md, D133).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** package.json `version`, now. */
export function packageVersion() {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
}

/** esbuild's `define` that src/base/version.ts expects. */
export function versionDefine() {
  return { __KEYBROKER_VERSION__: JSON.stringify(packageVersion()) };
}
