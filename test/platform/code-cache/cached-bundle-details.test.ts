// The code-cache runner's edges that mutation testing left unguarded (scripts/mutation-areas.mjs,
// "code-cache"): the build id line's anchors, the cache header's fixed width, a cache of only
// a header, that V8 really is given the cache (and so why the build id and CRC are ours to
// check), an unreadable bundle, the module object a bundle sees, and the build's run writing
// the cache at exit (a child process, since it writes on `exit`).
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';
import { bundleBuildId, encodeCodeCache, readCodeCache, runCachedBundle, wrapCommonJs } from '../../../src/platform/code-cache/cached-bundle.js';

const MARK = '__kbCachedBundleDetails';
const ID = 'c'.repeat(32);
const ranMark = (): unknown => (globalThis as Record<string, unknown>)[MARK];
const bundleOf = (mark: string): string => `// keybroker-server-build ${ID}\nglobalThis.${MARK} = '${mark}';\n`;
const SOURCE = path.resolve(import.meta.dirname, '../../../src/platform/code-cache/cached-bundle.ts');

describe('code-cache runner details', () => {
  let dir: string;
  let bundle: string;
  let cache: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ccd-'));
    bundle = path.join(dir, 'server.cjs');
    cache = path.join(dir, 'server.v8cache');
    delete (globalThis as Record<string, unknown>)[MARK];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the build id only from a whole first line', () => {
    assert.equal(bundleBuildId(`// keybroker-server-build ${ID}\nx`), ID);
    assert.equal(bundleBuildId(`// keybroker-status-build ${ID}\n`), ID);
    assert.equal(bundleBuildId(`x\n// keybroker-server-build ${ID}\n`), undefined, 'not on the first line');
    assert.equal(bundleBuildId(`// keybroker-server-build ${ID}`), undefined, 'the line must end');
    assert.equal(bundleBuildId(`// keybroker-server-build ${ID}0\n`), undefined, 'exactly 32 digits');
  });

  it('writes a fixed-width header: the id, then the CRC-32 as 8 hex digits, zeros kept', () => {
    // Find data whose CRC-32 has a leading zero digit, so a header without padding would be short.
    let data = Buffer.alloc(4);
    for (let i = 0; crc32(data) >= 0x10000000; i++) data = Buffer.from(Uint32Array.of(i).buffer);
    const file = encodeCodeCache(ID, data);
    assert.equal(file.length, 32 + 8 + data.length);
    assert.equal(file.toString('latin1', 0, 40), ID + crc32(data).toString(16).padStart(8, '0'));
    fs.writeFileSync(cache, file);
    assert.deepEqual(readCodeCache(cache, ID), data);
  });

  it('takes no cache that is a header without data', () => {
    const empty = new Uint8Array(0);
    fs.writeFileSync(cache, encodeCodeCache(ID, empty));
    assert.equal(fs.statSync(cache).size, 40);
    assert.equal(readCodeCache(cache, ID), undefined);
  });

  it('gives V8 the cache: an edit that keeps the first line and the length runs the cached code (why the id and the CRC are ours to check)', () => {
    fs.writeFileSync(bundle, bundleOf('A'));
    const script = new vm.Script(wrapCommonJs(bundleOf('A')), { filename: bundle });
    fs.writeFileSync(cache, encodeCodeCache(ID, script.createCachedData()));
    fs.writeFileSync(bundle, bundleOf('B'));
    assert.equal(runCachedBundle({ bundle, cache, expectedBuildId: ID }), 'accepted');
    assert.equal(ranMark(), 'A', 'V8 checks only the length: the cached code ran');
  });

  it("says 'rejected' when V8 refuses data that is this build's and intact, and runs the bundle compiled afresh", () => {
    fs.writeFileSync(bundle, bundleOf('R'));
    fs.writeFileSync(cache, encodeCodeCache(ID, Buffer.alloc(256, 7)));
    assert.ok(readCodeCache(cache, ID), 'the header and CRC pass');
    assert.equal(runCachedBundle({ bundle, cache, expectedBuildId: ID }), 'rejected');
    assert.equal(ranMark(), 'R');
  });

  it('throws for a bundle it cannot read that is there (not the missing-bundle answer)', () => {
    fs.mkdirSync(bundle);
    assert.throws(() => runCachedBundle({ bundle, cache }), { code: 'EISDIR' });
  });

  it('runs the bundle as a module: `exports` is `module.exports`, and `require` resolves from the bundle', () => {
    fs.writeFileSync(bundle, `// keybroker-server-build ${ID}\nexports.a = 1;\nglobalThis.${MARK} = [module.exports.a, typeof require('node:path').join, __filename, __dirname];\n`);
    runCachedBundle({ bundle, cache });
    assert.deepEqual(ranMark(), [1, 'function', bundle, dir]);
  });

  it("the build's run writes the cache at exit: this build's id, an intact CRC, V8's data that the next run accepts", () => {
    fs.writeFileSync(bundle, bundleOf('W'));
    const script = `import { runCachedBundle } from ${JSON.stringify(pathToFileURL(SOURCE).href)};\nconsole.log(runCachedBundle({ bundle: ${JSON.stringify(bundle)}, cache: ${JSON.stringify(cache)}, writeCacheTo: ${JSON.stringify(cache)} }));\n`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'writing');
    const data = readCodeCache(cache, ID);
    assert.ok(data && data.length > 0, 'a cache with this build id and an intact CRC');
    assert.equal(runCachedBundle({ bundle, cache, expectedBuildId: ID }), 'accepted');
    assert.equal(ranMark(), 'W');
  });

  it('a run that writes the cache does not read the old one', () => {
    fs.writeFileSync(bundle, bundleOf('A'));
    const script = new vm.Script(wrapCommonJs(bundleOf('A')), { filename: bundle });
    fs.writeFileSync(cache, encodeCodeCache(ID, script.createCachedData()));
    fs.writeFileSync(bundle, bundleOf('B'));
    // Not through runCachedBundle's exit hook in this process: only what it compiled from.
    const out = path.join(dir, 'other.v8cache');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { runCachedBundle } from ${JSON.stringify(pathToFileURL(SOURCE).href)};\nrunCachedBundle({ bundle: ${JSON.stringify(bundle)}, cache: ${JSON.stringify(cache)}, writeCacheTo: ${JSON.stringify(out)} });\nconsole.log(globalThis.${MARK});\n`], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'B', 'the build compiles the bundle as it is, not the old cache');
  });
});
