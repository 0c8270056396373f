// Builds every process entry point with esbuild (docs/DECISIONS.md: why esbuild).
// Each entry is bundled so that a child or the bridge starts without resolving a module tree.
import { build } from 'esbuild';
import { buildElectron } from './build-electron.mjs';
import { zodEnglishOnly } from './esbuild-zod-english.mjs';
import { undiciLean } from './esbuild-undici-lean.mjs';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Node-side ESM entry points: `src/<in>.ts` → `dist/<out>.js`. Missing files are skipped. */
const nodeEntries = [
  ['mcp/vsphere/index', 'mcp/vsphere/index'],
  ['mcp/p6/index', 'mcp/p6/index'],
];

// ESM bundles of CommonJS packages need `require`; give them one.
const banner = { js: "import { createRequire as __kbCreateRequire } from 'node:module'; const require = __kbCreateRequire(import.meta.url);" };

/**
 * index.ts imports `./status-loader.js` for `keybroker status`: in the split CLI build that
 * import stays as written, so it loads dist/cli/status-loader.js, built on its own beside it.
 */
const statusLoaderExternal = {
  name: 'status-loader-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/status-loader\.js$/ }, (args) => (args.importer.endsWith(path.join('src', 'cli', 'index.ts')) ? { path: './status-loader.js', external: true } : undefined));
  },
};

/**
 * `keybroker status` on its own (issue 17 item 6, docs/PERFORMANCE.md §1, round 3): the
 * command as one CommonJS file, dist/cli/status.cjs, that src/cli/status-loader.ts runs
 * through V8's code cache, dist/cli/status.v8cache, made here by running status once in an
 * empty home. One file compiled ahead instead of ~20 ESM chunks parsed and compiled on every
 * start; the status code is in the split build too (for `keybroker help`).
 */
async function buildStatus(nodeEsm, quiet) {
  const cli = path.join(root, 'dist', 'cli');
  const bundle = path.join(cli, 'status.cjs');
  const cache = path.join(cli, 'status.v8cache');
  // Security: the cache is code; never leave one from an older build next to a new bundle.
  fs.rmSync(cache, { force: true });
  await build({ ...nodeEsm, entryPoints: { 'status-loader': path.join(root, 'src', 'cli', 'status-loader.ts') }, outdir: cli });
  const buildId = crypto.randomBytes(16).toString('hex');
  const { banner: _esmOnly, ...common } = nodeEsm;
  const result = await build({
    ...common,
    entryPoints: [path.join(root, 'src', 'cli', 'status-main.ts')],
    outfile: bundle,
    format: 'cjs',
    // Its first line, which the cache repeats (status-loader.ts: BUILD_ID_LINE).
    banner: { js: `// keybroker-status-build ${buildId}` },
  });
  // vm.Script runs it without an ESM loader: a real import() or import.meta would fail there.
  const code = fs.readFileSync(bundle, 'utf8').split('\n').filter((line) => !/^\s*(\/\/|\*)/.test(line));
  if (result.warnings.length > 0 || code.some((line) => /\bimport\.meta\b|\bimport\(/.test(line))) throw new Error(`dist/cli/status.cjs must be plain CommonJS (no import(), no import.meta): ${result.warnings.map((w) => w.text).join('; ')}`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-build-status-'));
  try {
    const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'status-code-cache.mjs'), 'status'], { env: { PATH: process.env.PATH ?? '', KEYBROKER_HOME: home, KB_STATUS_CACHE_OUT: cache }, encoding: 'utf8' });
    if (run.status !== 0 || !fs.existsSync(cache)) {
      fs.rmSync(cache, { force: true });
      if (!quiet) console.warn(`keybroker status will start without a code cache: the build's status run failed (${(run.stderr || run.error?.message || `exit ${run.status}`).trim()})`);
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

export async function buildAll({ quiet = false } = {}) {
  const entryPoints = {};
  for (const [src, out] of nodeEntries) {
    const file = path.join(root, 'src', `${src}.ts`);
    if (fs.existsSync(file)) entryPoints[out] = file;
  }
  // Node ESM bundles: the servers and main process, and the code-split CLI below.
  const nodeEsm = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    banner,
    // Native addons and Electron are resolved at run time, never bundled.
    external: ['@napi-rs/keyring', 'electron'],
    logLevel: quiet ? 'warning' : 'info',
    legalComments: 'none',
    // zod's English messages only: its other languages were half of the zod chunk. undici's
    // Agent, connector and request only, not fetch, WebSocket, mocks and caches (D84).
    plugins: [zodEnglishOnly, undiciLean],
  };
  await build({ ...nodeEsm, entryPoints, outdir: path.join(root, 'dist') });
  // The CLI with code splitting: src/cli/main.ts imports each command on first use, so a
  // command evaluates only its own chunks (`keybroker status` skips the MCP SDK, the host
  // and the connectors: docs/PERFORMANCE.md, CLI start-up). Chunks live in dist/cli/chunks,
  // inside the dist/cli/** the packaged app already ships.
  // Chunk names carry a content hash: drop the last build's so stale ones do not pile up.
  fs.rmSync(path.join(root, 'dist', 'cli', 'chunks'), { recursive: true, force: true });
  await build({
    entryPoints: { index: path.join(root, 'src', 'cli', 'index.ts') },
    outdir: path.join(root, 'dist', 'cli'),
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    ...nodeEsm,
    plugins: [...nodeEsm.plugins, statusLoaderExternal],
  });
  await buildStatus(nodeEsm, quiet);
  // The bridge Claude Desktop starts (`keybroker bridge SERVER`, and the .mcpb bundles) is
  // CommonJS: Node's ESM loader costs ~4 ms per start, a third of the bridge's budget
  // (bench/bridge-start, goal ≤ 1.3 × a bare `node`). `.cjs` so Node loads it as CommonJS
  // whatever package.json is (or is not) around it. Node built-ins only, so no banner.
  await build({
    entryPoints: [path.join(root, 'src', 'cli', 'bridge.ts')],
    outfile: path.join(root, 'dist', 'cli', 'bridge.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: quiet ? 'warning' : 'info',
    legalComments: 'none',
    // Node built-ins only today; should it ever import undici, the lean entry.
    plugins: [undiciLean],
  });
  // The desktop app: main, preload and renderer pages (scripts/build-electron.mjs).
  await buildElectron({ quiet });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildAll();
}
