// The shared code-cache runner (src/platform/code-cache/cached-bundle.ts): what the status
// loader and every server child's entry run their bundle through. The status loader's own
// tests (test/cli/status-loader.test.ts) cover another build's cache and a damaged one.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { COMMONJS_WRAPPER_HEAD, encodeCodeCache, readCodeCache, runCachedBundle, wrapCommonJs, type CodeCacheUse } from '../../../src/platform/code-cache/cached-bundle.js';
import { BundleMismatchError } from '../../../src/platform/code-cache/bundle-mismatch-error.js';

const MARK = '__kbCachedBundleTest';
const bundleOf = (id: string, mark: string): string => `// keybroker-server-build ${id}\nglobalThis.${MARK} = '${mark}';\n`;
const ranMark = (): unknown => (globalThis as Record<string, unknown>)[MARK];
function cacheOf(id: string, source: string): Buffer {
  const script = new vm.Script(wrapCommonJs(source), { filename: 'server.cjs' });
  return encodeCodeCache(id, script.createCachedData());
}

describe('runCachedBundle()', () => {
  const ID_A = 'a'.repeat(32);
  const ID_B = 'b'.repeat(32);
  let dir: string;
  let bundle: string;
  let cache: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ccb-'));
    bundle = path.join(dir, 'server.cjs');
    cache = path.join(dir, 'server.v8cache');
    delete (globalThis as Record<string, unknown>)[MARK];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("says what happened to the cache before the bundle runs: none, accepted, or another build's ignored", () => {
    fs.writeFileSync(bundle, bundleOf(ID_A, 'A'));
    const seen: CodeCacheUse[] = [];
    const onCompiled = (u: CodeCacheUse) => seen.push(u);
    assert.equal(runCachedBundle({ bundle, cache, onCompiled }), 'none');
    fs.writeFileSync(cache, cacheOf(ID_A, bundleOf(ID_A, 'A')));
    assert.equal(runCachedBundle({ bundle, cache, expectedBuildId: ID_A, onCompiled }), 'accepted');
    fs.writeFileSync(cache, cacheOf(ID_B, bundleOf(ID_B, 'B')));
    assert.equal(runCachedBundle({ bundle, cache, onCompiled }), 'none', "another build's cache is not given to V8");
    assert.deepEqual(seen, ['none', 'accepted', 'none']);
    assert.equal(ranMark(), 'A');
  });

  it('runs a bundle the build wrote in the CommonJS wrapper as it is, through its own cache', () => {
    const source = `// keybroker-server-build ${ID_A}\n${COMMONJS_WRAPPER_HEAD}\nglobalThis.${MARK} = module.id + ':' + typeof require;\n})`;
    fs.writeFileSync(bundle, source);
    const probe = new vm.Script(source, { filename: 'server.cjs' });
    fs.writeFileSync(cache, encodeCodeCache(ID_A, probe.createCachedData()));
    assert.equal(runCachedBundle({ bundle, cache, expectedBuildId: ID_A, prewrapped: true }), 'accepted');
    assert.equal(ranMark(), 'undefined:function');
  });

  it('returns undefined, having run nothing, when there is no bundle', () => {
    assert.equal(runCachedBundle({ bundle, cache }), undefined);
    assert.equal(ranMark(), undefined);
  });

  it('Security: a bundle that is not the build its entry was made with is not run (a partial copy or update)', () => {
    fs.writeFileSync(bundle, bundleOf(ID_B, 'B'));
    assert.throws(() => runCachedBundle({ bundle, cache, expectedBuildId: ID_A }), (e: unknown) => e instanceof BundleMismatchError && e.code === 'CORE_BUNDLE_MISMATCH' && e.message.includes(ID_A));
    assert.equal(ranMark(), undefined);
    // Nor one without any build line.
    fs.writeFileSync(bundle, `globalThis.${MARK} = 'none';\n`);
    assert.throws(() => runCachedBundle({ bundle, cache, expectedBuildId: ID_A }), BundleMismatchError);
    assert.equal(ranMark(), undefined);
  });

  it('readCodeCache takes only a file with this build id and an intact CRC-32', () => {
    const good = cacheOf(ID_A, bundleOf(ID_A, 'A'));
    fs.writeFileSync(cache, good);
    assert.deepEqual(readCodeCache(cache, ID_A), good.subarray(40));
    assert.equal(readCodeCache(cache, ID_B), undefined);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 1;
    fs.writeFileSync(cache, damaged);
    assert.equal(readCodeCache(cache, ID_A), undefined);
    fs.writeFileSync(cache, good.subarray(0, 40));
    assert.equal(readCodeCache(cache, ID_A), undefined, 'a header alone');
    assert.equal(readCodeCache(path.join(dir, 'absent'), ID_A), undefined);
  });
});
