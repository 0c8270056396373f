// The entry of a built-in server child, dist/mcp/<name>/index.cjs (issue 17, D102).
// scripts/build.mjs builds the server itself (src/mcp/<name>/index.ts) as one CommonJS file,
// server.cjs, and this file once per server beside it, with that bundle's build id compiled
// in (`__KB_SERVER_BUILD_ID__`). It runs server.cjs through the V8 code cache the build made
// (server.v8cache: one run of the child answering initialize and tools/list, with the child's
// own V8 flags), so a child that starts on demand (D81) reads compiled code instead of
// parsing and compiling ~1.7 MB first. This file's bytes name the bundle (its build id), so
// the tool manifest, keyed by the entry's bytes, still changes with the server's code.
// The build writes this entry as CommonJS (`.cjs`, whatever package.json says): `node
// index.cjs` then runs without Node's ESM loader, which an ES module entry made every child
// load and run before its first request (docs/PERFORMANCE.md §5, round 5).
//
// Security: the cache is used only under the checks of src/platform/code-cache (the
// bundle's build id, the CRC-32); a server.cjs from another build is not run at all.
// KEYBROKER_CODE_CACHE_OUT makes this run write a cache at exit: the build sets it; the
// host never does (a child's environment is an allow-list: supervisor/child-env), and the
// sandbox mounts the app read-only.
import path from 'node:path';
import { runCachedBundle } from '../code-cache/cached-bundle.js';
import { BUILT_IN_SERVER_FILES } from './built-in-files.js';

declare const __KB_SERVER_BUILD_ID__: string;

// A CommonJS module's own folder (scripts/build.mjs bundles this file as CommonJS only).
const dir = __dirname;
const writeCacheTo = process.env['KEYBROKER_CODE_CACHE_OUT'];
const use = runCachedBundle({
  bundle: path.join(dir, BUILT_IN_SERVER_FILES.bundle),
  cache: path.join(dir, BUILT_IN_SERVER_FILES.cache),
  expectedBuildId: __KB_SERVER_BUILD_ID__,
  // scripts/build.mjs writes server.cjs in the CommonJS wrapper already.
  prewrapped: true,
  ...(writeCacheTo && { writeCacheTo }),
  // For tests and profiling: whether V8 took the cache (never changes what runs).
  ...(process.env['KEYBROKER_CODE_CACHE_TRACE'] === '1' && { onCompiled: (u: string) => process.stderr.write(`code cache: ${u}\n`) }),
});
if (use === undefined) {
  process.stderr.write(`${path.join(dir, BUILT_IN_SERVER_FILES.bundle)} is missing; run the build again\n`);
  process.exit(1);
}
