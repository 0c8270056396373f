// Builds every process entry point with esbuild (docs/DECISIONS.md: why esbuild).
// Each entry is bundled so that a child or the bridge starts without resolving a module tree.
import { build } from 'esbuild';
import { buildElectron } from './build-electron.mjs';
import { zodEnglishOnly } from './esbuild-zod-english.mjs';
import { undiciLean } from './esbuild-undici-lean.mjs';
import fs from 'node:fs';
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
    // Agent, connector and request only, not fetch, WebSocket, mocks and caches (D-P3-p6mem-1).
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
  });
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
