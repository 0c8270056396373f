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
// bundle as without a cache, which is only slower. The checks are the shared ones of
// src/platform/code-cache/cached-bundle.ts, which the server children use too.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCachedBundle } from '../platform/code-cache/cached-bundle.js';

export { wrapCommonJs } from '../platform/code-cache/cached-bundle.js';

/** The status bundle and its code cache, beside this file in dist/cli. */
export function statusBundlePaths(dir: string = path.dirname(fileURLToPath(import.meta.url))): { readonly bundle: string; readonly cache: string } {
  return { bundle: path.join(dir, 'status.cjs'), cache: path.join(dir, 'status.v8cache') };
}

/**
 * Run the status bundle as this process's `keybroker status` (it reads process.argv and exits
 * when done), through its code cache (src/platform/code-cache/cached-bundle.ts: the build id
 * on the bundle's first line, `// keybroker-status-build <id>`, and the CRC-32 must match).
 * `writeCacheTo`: the build's run, which saves V8's code cache there at exit.
 * `dir`: where status.cjs and status.v8cache are (default: beside this file; tests).
 * Returns false, having run nothing, when there is no status.cjs there.
 */
export function runStatusBundle(options: { readonly writeCacheTo?: string; readonly dir?: string } = {}): boolean {
  const { bundle, cache } = statusBundlePaths(options.dir);
  // No bundle beside this file: the source tree run under tsx (the test-only kind's entry),
  // where status runs through runCli like every other command.
  return runCachedBundle({ bundle, cache, ...(options.writeCacheTo && { writeCacheTo: options.writeCacheTo }) }) !== undefined;
}
