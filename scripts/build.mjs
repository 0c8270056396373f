// Builds every process entry point with esbuild (docs/DECISIONS.md: why esbuild).
// Each entry is bundled so that a child or the bridge starts without resolving a module tree.
import { build } from 'esbuild';
import { buildElectron } from './build-electron.mjs';
import { zodEnglishOnly } from './esbuild-zod-english.mjs';
import { undiciLean } from './esbuild-undici-lean.mjs';
import { sdkWithoutAjv } from './esbuild-sdk-no-ajv.mjs';
import { asciiOutput, asciiSource, writeFilesWhole } from './esbuild-ascii-source.mjs';
import { versionDefine } from './esbuild-version.mjs';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The built-in server children: `src/mcp/<name>/index.ts` → `dist/mcp/<name>/server.cjs`, run
 * by `dist/mcp/<name>/index.cjs` through a code cache (buildServer below). Missing files are skipped.
 */
const serverNames = ['vsphere', 'p6'];

/**
 * esbuild plugins of one server child beyond nodeBundleOptions': the P6 server gives the MCP SDK
 * its own JSON Schema validator (it never elicits, D99), so its bundle leaves out the SDK's Ajv.
 */
const serverPlugins = { vsphere: [sdkWithoutAjv], p6: [sdkWithoutAjv] };

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

/**
 * The code cache of an entry buildCachedEntry made (D102): `entry` run once with
 * `flags` (the V8 flags it will run with: V8 refuses a cache made under others) and
 * KEYBROKER_CODE_CACHE_OUT, so that it writes `cache` at exit. `drive(child)`, when given,
 * plays the other side (a server child's host on fd 3) until the child exits. Resolves with
 * an error text, or undefined once the run ended well and the cache is written.
 */
export function makeCodeCache({ entry, cache, flags = [], args = [], env = {}, drive }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...flags, entry, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env, KEYBROKER_CODE_CACHE_OUT: cache },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d.toString()).slice(-2000)));
    // The whole run is bounded: a warm-up that hangs leaves the build without a cache, not stuck.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', (e) => (stderr += e.message));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 && fs.existsSync(cache) ? undefined : (stderr.trim() || `exit ${code ?? signal}`));
    });
    drive?.(child);
  });
}

/**
 * The host's side of a server child's warm-up: initialize, then tools/list, each as an MCP
 * frame on fd 3 (`{ch:'mcp', msg}`, newline-delimited), then the channel ends and the child
 * exits, as it does when its host goes away.
 */
function warmUpServer(child) {
  const channel = child.stdio[3];
  const send = (msg) => channel.write(`${JSON.stringify({ ch: 'mcp', msg })}\n`);
  let buffered = '';
  channel.on('error', () => undefined);
  channel.on('data', (d) => {
    buffered += d.toString('utf8');
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const frame = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      if (frame.ch !== 'mcp') continue;
      if (frame.msg.id === 1) {
        send({ jsonrpc: '2.0', method: 'notifications/initialized' });
        send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      } else if (frame.msg.id === 2) channel.end();
    }
  });
  send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'keybroker-build', version: '0' } } });
}

/** The build-time flags of each server child: src/platform/kinds/server-flags.ts, compiled here. */
async function serverFlags() {
  const file = path.join(root, 'src', 'platform', 'kinds', 'server-flags.ts');
  const { outputFiles } = await build({ entryPoints: [file], write: false, format: 'esm', platform: 'node', logLevel: 'silent' });
  const { BUILT_IN_SERVER_FLAGS } = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
  return BUILT_IN_SERVER_FLAGS;
}

/** The head of Node's CommonJS wrapper (src/platform/code-cache/cached-bundle.ts, COMMONJS_WRAPPER_HEAD). */
const COMMONJS_WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';

/** The id on a CommonJS bundle's first line: the first 32 hex digits of its SHA-256. */
const contentBuildId = (code) => crypto.createHash('sha256').update(code).digest('hex').slice(0, 32);

/**
 * A process as one CommonJS bundle run through a build-made V8 code cache (issue 17,
 * D102): `src` bundled to `<outdir>/server.cjs`, its first line a build id (the
 * SHA-256 of its code, so the same code keeps the same id), and `<outdir>/index.cjs`, the
 * entry to start (src/platform/kinds/server-entry.ts with that id compiled in), which runs
 * server.cjs with `<outdir>/server.v8cache` once makeCodeCache has made it. Any older cache
 * there is deleted first. `options`: nodeBundleOptions(). Returns the entry and the cache.
 */
export async function buildCachedEntry({ src, outdir, options }) {
  const cache = path.join(outdir, 'server.v8cache');
  // Security: the cache is code; never leave one from an older build next to a new bundle.
  fs.rmSync(cache, { force: true });
  const { banner: _esmOnly, logLevel: _logLevel, ...common } = options;
  const result = await build({ ...common, entryPoints: [src], outfile: path.join(outdir, 'server.cjs'), format: 'cjs', write: false, logLevel: 'warning' });
  const js = result.outputFiles.find((f) => f.path.endsWith('.cjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  // ASCII only, so V8 keeps the source one byte per character (esbuild-ascii-source.mjs).
  const text = await asciiSource(js.text, js.path);
  // vm.Script runs it without an ESM loader: a real import() or import.meta would fail there.
  const code = text.split('\n').filter((line) => !/^\s*(\/\/|\*)/.test(line));
  if (result.warnings.length > 0 || code.some((line) => /\bimport\.meta\b|\bimport\(/.test(line))) throw new Error(`${js.path} must be plain CommonJS (no import(), no import.meta): ${result.warnings.map((w) => w.text).join('; ')}`);
  const buildId = contentBuildId(text);
  fs.mkdirSync(outdir, { recursive: true });
  // The id line goes first, then the code in Node's CommonJS wrapper, which the entry then
  // compiles as it is (no second copy of the source: cached-bundle.ts, `prewrapped`). The
  // source map's lines start two later (";" is an empty line).
  // Each written whole (a temporary file renamed into place), as the ASCII plugin writes the
  // other bundles: a child or test starting beside a build never reads half a server.cjs.
  const outputs = [{ path: js.path, data: `// keybroker-server-build ${buildId}\n${COMMONJS_WRAPPER_HEAD}\n${text}\n})` }];
  if (map) {
    const m = JSON.parse(map.text);
    m.mappings = `;;${m.mappings}`;
    outputs.push({ path: map.path, data: JSON.stringify(m) });
  }
  writeFilesWhole(outputs);
  // The entry is CommonJS too (`.cjs`, whatever package.json says), so `node index.cjs` starts
  // without Node's ESM loader: an ES module entry made every child load it (~10 of Node's own
  // modules) before its first request (docs/PERFORMANCE.md §5, round 5). An entry of an older
  // build under the old name goes.
  for (const old of ['index.js', 'index.js.map']) fs.rmSync(path.join(outdir, old), { force: true });
  const entry = path.join(outdir, 'index.cjs');
  await build({ ...common, entryPoints: [path.join(root, 'src', 'platform', 'kinds', 'server-entry.ts')], outfile: entry, format: 'cjs', define: { ...common.define, __KB_SERVER_BUILD_ID__: JSON.stringify(buildId) }, logLevel: 'warning' });
  return { entry, cache };
}

/**
 * A built-in server child: `src/mcp/<name>/index.ts` through buildCachedEntry into
 * dist/mcp/<name> (index.cjs, the entry the host starts; server.cjs; server.v8cache, made by
 * running the child once with its own V8 flags through initialize and tools/list). The host
 * reads compiled code instead of parsing and compiling 1.7 MB of ESM on every start.
 */
async function buildServer(name, options, flags, quiet) {
  const src = path.join(root, 'src', 'mcp', name, 'index.ts');
  if (!fs.existsSync(src)) return;
  const plugins = [...options.plugins, ...(serverPlugins[name] ?? [])];
  const { entry, cache } = await buildCachedEntry({ src, outdir: path.join(root, 'dist', 'mcp', name), options: { ...options, plugins } });
  const failed = await makeCodeCache({ entry, cache, flags, env: { KEYBROKER_CHANNEL: 'fd3' }, drive: warmUpServer });
  if (failed) {
    fs.rmSync(cache, { force: true });
    if (!quiet) console.warn(`dist/mcp/${name} will start without a code cache: the build's warm-up run failed (${failed})`);
  }
}

/**
 * esbuild's options for a Node bundle (ESM, with a `require` for bundled CommonJS packages):
 * the servers and main process, the code-split CLI, and the vSphere one-shot bench's bundle.
 */
export function nodeBundleOptions({ quiet = false } = {}) {
  return {
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
    // KeyBroker's version as a constant (src/base/version.ts): no package.json read at run time.
    define: versionDefine(),
    // zod's English messages only: its other languages were half of the zod chunk. undici's
    // Agent, connector and request only, not fetch, WebSocket, mocks and caches (D84). ASCII
    // only, so V8 keeps each bundle's source one byte per character (esbuild-ascii-source.mjs).
    plugins: [zodEnglishOnly, undiciLean, asciiOutput],
  };
}

export async function buildAll({ quiet = false } = {}) {
  // Node ESM bundles: the servers and main process, and the code-split CLI below.
  const nodeEsm = nodeBundleOptions({ quiet });
  const flags = await serverFlags();
  // The two children build and warm up at the same time (two cores; each warm-up is a process).
  await Promise.all(serverNames.map((name) => buildServer(name, nodeEsm, flags[name] ?? [], quiet)));
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
    plugins: [undiciLean, asciiOutput],
  });
  // The desktop app: main, preload and renderer pages (scripts/build-electron.mjs).
  await buildElectron({ quiet });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildAll();
}
