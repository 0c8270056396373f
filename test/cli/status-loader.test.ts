// The status loader (src/cli/status-loader.ts): runs dist/cli/status.cjs through V8's code
// cache, and uses a cache only with the build it was made from (issue 17 item 6).
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { runStatusBundle, statusBundlePaths, wrapCommonJs } from '../../src/cli/status-loader.js';

/** A stand-in bundle: its build line, then code that records which build ran. */
const bundleOf = (id: string, mark: string): string => `// keybroker-status-build ${id}\nglobalThis.__kbStatusLoaderTest = '${mark}';\n`;
/** A cache file as the build writes it: the build id, then V8's cache of `source` after a run. */
function cacheOf(id: string, source: string): Buffer {
  const script = new vm.Script(wrapCommonJs(source), { filename: 'status.cjs' });
  (script.runInThisContext() as () => void)();
  return Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()]);
}
const ranMark = (): unknown => (globalThis as Record<string, unknown>)['__kbStatusLoaderTest'];

describe('status loader (V8 code cache)', () => {
  const ID_A = 'a'.repeat(32);
  const ID_B = 'b'.repeat(32);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-stl-'));
    delete (globalThis as Record<string, unknown>)['__kbStatusLoaderTest'];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the bundle with its own cache, and without any cache', () => {
    const { bundle, cache } = statusBundlePaths(dir);
    fs.writeFileSync(bundle, bundleOf(ID_A, 'A'));
    runStatusBundle({ dir });
    assert.equal(ranMark(), 'A');
    fs.writeFileSync(cache, cacheOf(ID_A, bundleOf(ID_A, 'A')));
    delete (globalThis as Record<string, unknown>)['__kbStatusLoaderTest'];
    runStatusBundle({ dir });
    assert.equal(ranMark(), 'A');
  });

  it("Security: never runs another build's cache, even for a bundle of the same length (V8 would)", () => {
    const { bundle, cache } = statusBundlePaths(dir);
    const a = bundleOf(ID_A, 'A');
    const b = bundleOf(ID_B, 'B');
    assert.equal(a.length, b.length, 'the same length, all V8 checks of the source');
    // V8 alone accepts B's cache for A's source and runs B's code: the loader must not let it.
    const probe = new vm.Script(wrapCommonJs(a), { filename: bundle, cachedData: cacheOf(ID_B, b).subarray(32) });
    assert.equal(probe.cachedDataRejected, false);
    fs.writeFileSync(bundle, a);
    fs.writeFileSync(cache, cacheOf(ID_B, b));
    delete (globalThis as Record<string, unknown>)['__kbStatusLoaderTest'];
    runStatusBundle({ dir });
    assert.equal(ranMark(), 'A');
  });
});
