// Builds the desktop app (issue 7) with esbuild: the Electron main process (ESM), the
// preload (CommonJS: sandboxed preloads cannot be ES modules) and the renderer pages.
// scripts/build.mjs calls buildElectron(); tests call it from their setup.
import { build } from 'esbuild';
import { undiciLean } from './esbuild-undici-lean.mjs';
import { asciiOutput } from './esbuild-ascii-source.mjs';
import { versionDefine } from './esbuild-version.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const banner = { js: "import { createRequire as __kbCreateRequire } from 'node:module'; const require = __kbCreateRequire(import.meta.url);" };

/** Renderer pages: `src/renderer/<entry>.ts` → `dist/renderer/<page>.js`, plus html and css copied as is. */
const pages = { popup: 'popup/popup.ts', settings: 'settings/settings.ts' };
const staticFiles = ['popup.html', 'settings.html', 'common.css', 'popup.css', 'settings.css'];

export async function buildElectron({ quiet = false } = {}) {
  const logLevel = quiet ? 'warning' : 'info';
  const common = { bundle: true, sourcemap: 'linked', legalComments: 'none', logLevel };
  await build({
    ...common,
    entryPoints: { 'main/index': path.join(root, 'src/main/index.ts') },
    outdir: path.join(root, 'dist'),
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner,
    external: ['electron', '@napi-rs/keyring'],
    // The host's version for `keybroker status` (src/base/version.ts), inlined.
    define: versionDefine(),
    // The host runs in main: undici's Agent, connector and request only (D84); ASCII-only
    // source, so V8 keeps main's ~3 MB bundle one byte per character (esbuild-ascii-source.mjs).
    plugins: [undiciLean, asciiOutput],
  });
  await build({
    ...common,
    entryPoints: [path.join(root, 'src/preload/index.ts')],
    outfile: path.join(root, 'dist/preload/index.cjs'),
    platform: 'node',
    target: 'chrome130',
    format: 'cjs',
    minify: true,
    external: ['electron'],
  });
  const outdir = path.join(root, 'dist/renderer');
  await build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(pages).map(([page, src]) => [page, path.join(root, 'src/renderer', src)])),
    outdir,
    platform: 'browser',
    target: 'chrome130',
    format: 'iife',
    minify: true,
  });
  for (const f of staticFiles) fs.copyFileSync(path.join(root, 'src/renderer', f), path.join(outdir, f));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildElectron();
}
