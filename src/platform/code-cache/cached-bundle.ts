// A CommonJS bundle run through a V8 code cache the build made (issue 17: `keybroker status`,
// D83/D90; the server children and the vSphere one-shot, D102). `vm.Script`'s
// `cachedData` works on every Node KeyBroker supports (module.enableCompileCache needs Node
// 22.1): a start reads the compiled code, including every function the build's run compiled,
// instead of parsing and compiling the bundle again.
//
// Security: a code cache is code. It is used only with the bundle it was made from (the
// bundle's first line carries a build id, which the cache file starts with: V8 itself checks
// the source's length, not its text) and only as the build wrote it (a CRC-32 of V8's data,
// checked before V8 sees it: release V8 does not check its own checksum, and a damaged cache
// of the right length crashes the deserializer). A run never writes a cache unless its caller
// asks (the build). V8 refuses a cache made by another V8 version or with other V8 flags: the
// bundle then compiles as without one, which is only slower.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';
import { BundleMismatchError } from './bundle-mismatch-error.js';

/**
 * A bundle's first line, `// keybroker-<what>-build <id>`: a build id (32 hex digits) that its
 * code cache starts with too, so a cache is used only with the bundle it was made from.
 */
export const BUILD_ID_LINE = /^\/\/ keybroker-[a-z0-9-]+-build ([0-9a-f]{32})\n/;
/** Bytes of the build id at the start of the cache file (hex text), before V8's data. */
const ID_BYTES = 32;
/** Bytes of the CRC-32 of V8's data (8 hex digits), after the build id. */
const CRC_BYTES = 8;

/** The cache file's header: the build id, then the CRC-32 of V8's data that follows it. */
const cacheHeader = (buildId: string, data: Uint8Array): string => buildId + crc32(data).toString(16).padStart(CRC_BYTES, '0');

/** A cache file as the build writes it: header, then V8's data. */
export function encodeCodeCache(buildId: string, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(cacheHeader(buildId, data), 'latin1'), data]);
}

/** The build id on a bundle's first line, or undefined when it has none. */
export function bundleBuildId(source: string): string | undefined {
  return BUILD_ID_LINE.exec(source)?.[1];
}

/**
 * V8's data from a cache file, when the file is this build's and intact; otherwise undefined
 * (no file, another build's, damaged: the bundle then compiles as usual).
 */
export function readCodeCache(file: string, buildId: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  // Security: V8 would run a cache made for another source of the same length (it checks the
  // length, the V8 version and the flags only), i.e. another build's code.
  // Security: and V8 (a release build) does not check its checksum: a cache damaged after the
  // build (a flipped bit, a partial copy of the same length) crashes the deserializer or worse,
  // so its CRC-32 must match before V8 sees it (D90).
  const data = bytes.subarray(ID_BYTES + CRC_BYTES);
  if (bytes.length > ID_BYTES + CRC_BYTES && bytes.toString('latin1', 0, ID_BYTES + CRC_BYTES) === cacheHeader(buildId, data)) return data;
  return undefined;
}

/** The head of the CommonJS wrapper Node itself uses (the tail is `\n})`). */
export const COMMONJS_WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';

/** `source` in the CommonJS wrapper Node itself uses, so a bundle runs as a module would. */
export function wrapCommonJs(source: string): string {
  return `${COMMONJS_WRAPPER_HEAD}${source}\n})`;
}

/** What happened to the cache on one run (for a trace and tests, never a decision). */
export type CodeCacheUse = 'accepted' | 'rejected' | 'none' | 'writing';

/** Options of runCachedBundle. */
export interface RunCachedBundleOptions {
  /** The CommonJS bundle, its first line `// keybroker-<what>-build <id>`. */
  readonly bundle: string;
  /**
   * The build wrote the bundle already in the CommonJS wrapper (after its first line): it is
   * compiled as it is. Otherwise it is wrapped here, which makes V8 hold a second copy of the
   * whole source until a full garbage collection (~1.7 MB for a server child).
   */
  readonly prewrapped?: boolean;
  /** Its code cache, as the build wrote it (absent: compile as usual). */
  readonly cache: string;
  /**
   * The build id the bundle must carry (an entry built with its bundle, whose bytes then name
   * the bundle's code). A bundle with another id is not run: it is not the build this entry
   * belongs to (a partial copy or update).
   */
  readonly expectedBuildId?: string;
  /** The build's run: save V8's code cache here at exit, with every function the run compiled. */
  readonly writeCacheTo?: string;
  /** Told what happened to the cache once the bundle is compiled, before it runs (a trace). */
  readonly onCompiled?: (use: CodeCacheUse) => void;
}

/**
 * Run a CommonJS bundle in this process, through its code cache when that cache is this
 * build's, intact and accepted by V8. Returns what happened to the cache, or undefined,
 * having run nothing, when there is no bundle (ENOENT).
 */
export function runCachedBundle(options: RunCachedBundleOptions): CodeCacheUse | undefined {
  const { bundle } = options;
  let source: string;
  try {
    source = fs.readFileSync(bundle, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const buildId = bundleBuildId(source);
  if (options.expectedBuildId !== undefined && buildId !== options.expectedBuildId) {
    throw new BundleMismatchError(bundle, buildId, options.expectedBuildId);
  }
  const cachedData = !options.writeCacheTo && buildId ? readCodeCache(options.cache, buildId) : undefined;
  const script = new vm.Script(options.prewrapped ? source : wrapCommonJs(source), { filename: bundle, ...(cachedData && { cachedData }) });
  let use: CodeCacheUse = cachedData ? (script.cachedDataRejected ? 'rejected' : 'accepted') : 'none';
  if (options.writeCacheTo) {
    const out = options.writeCacheTo;
    use = 'writing';
    // At exit, every function the run compiled is in the cache, not only the top level.
    process.once('exit', () => {
      fs.writeFileSync(out, encodeCodeCache(buildId ?? '', script.createCachedData()));
    });
  }
  options.onCompiled?.(use);
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  const module = { exports: {} };
  run(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  return use;
}
