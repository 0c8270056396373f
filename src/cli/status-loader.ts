// `keybroker status` loader (issue 17 item 6, docs/PERFORMANCE.md §1 round 3), bundled on its
// own to dist/cli/status-loader.js; dist/cli/index.js imports it for `status`. It runs the
// status bundle, dist/cli/status.cjs (src/cli/status-main.ts as one CommonJS file), through
// V8's code cache, which works on every Node KeyBroker supports (module.enableCompileCache
// needs Node 22.1): `npm run build` runs status once (scripts/build.mjs) and saves the
// compiled code, including every function that run compiled, to dist/cli/status.v8cache.
// A later status starts from that code instead of parsing and compiling ~0.4 MB again.
//
// Security: the cache is code, so it comes only from the build, beside the bundle it was made
// from (its build id) and as the build wrote it (its CRC-32); status never writes one. V8 refuses a cache made by
// another V8 version, with other flags or for another source (a user's Node other than the
// one that built it, the packaged app's CLI run by the user's Node): status then compiles the
// bundle as without a cache, which is only slower.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';

/**
 * The status bundle's first line, `// keybroker-status-build <id>`: a random id per build that
 * its code cache starts with too, so a cache is used only with the bundle it was made from.
 * (V8 itself checks the source's length, not its text.)
 */
const BUILD_ID_LINE = /^\/\/ keybroker-status-build ([0-9a-f]{32})\n/;
/** Bytes of the build id at the start of the cache file (hex text), before V8's data. */
const ID_BYTES = 32;
/** Bytes of the CRC-32 of V8's data (8 hex digits), after the build id. */
const CRC_BYTES = 8;
/** The cache file's header: the build id, then the CRC-32 of what follows it. */
const cacheHeader = (buildId: string, data: Uint8Array): string => buildId + crc32(data).toString(16).padStart(CRC_BYTES, '0');

/** The status bundle and its code cache, beside this file in dist/cli. */
export function statusBundlePaths(dir: string = path.dirname(fileURLToPath(import.meta.url))): { readonly bundle: string; readonly cache: string } {
  return { bundle: path.join(dir, 'status.cjs'), cache: path.join(dir, 'status.v8cache') };
}

/** `source` in the CommonJS wrapper Node itself uses, so a bundle runs as a module would. */
export function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
}

/**
 * Run the status bundle as this process's `keybroker status` (it reads process.argv and exits
 * when done). `writeCacheTo`: the build's run, which saves V8's code cache there at exit.
 * `dir`: where status.cjs and status.v8cache are (default: beside this file; tests).
 * Returns false, having run nothing, when there is no status.cjs there.
 */
export function runStatusBundle(options: { readonly writeCacheTo?: string; readonly dir?: string } = {}): boolean {
  const { bundle, cache } = statusBundlePaths(options.dir);
  let source: string;
  try {
    source = fs.readFileSync(bundle, 'utf8');
  } catch (e) {
    // No bundle beside this file: the source tree run under tsx (the test-only kind's entry),
    // where status runs through runCli like every other command.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const buildId = BUILD_ID_LINE.exec(source)?.[1];
  let cachedData: Buffer | undefined;
  if (!options.writeCacheTo && buildId) {
    try {
      const file = fs.readFileSync(cache);
      // Security: V8 would run a cache made for another source of the same length (it checks
      // the length, the V8 version and the flags only), i.e. another build's code.
      // Security: and V8 (a release build) does not check its checksum: a cache damaged after the
      // build (a flipped bit, a partial copy of the same length) crashes the deserializer or
      // worse, so its CRC-32 must match before V8 sees it (D90).
      const data = file.subarray(ID_BYTES + CRC_BYTES);
      if (file.length > ID_BYTES + CRC_BYTES && file.toString('latin1', 0, ID_BYTES + CRC_BYTES) === cacheHeader(buildId, data)) cachedData = data;
    } catch {
      // No cache (a build that could not run status): compile as usual.
    }
  }
  const script = new vm.Script(wrapCommonJs(source), { filename: bundle, ...(cachedData && { cachedData }) });
  if (options.writeCacheTo) {
    const out = options.writeCacheTo;
    // At exit, every function the run compiled is in the cache, not only the top level.
    process.once('exit', () => {
      const data = script.createCachedData();
      fs.writeFileSync(out, Buffer.concat([Buffer.from(cacheHeader(buildId ?? '', data), 'latin1'), data]));
    });
  }
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  const module = { exports: {} };
  run(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  return true;
}
