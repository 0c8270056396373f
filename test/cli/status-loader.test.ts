// The status loader (src/cli/status-loader.ts): runs dist/cli/status.cjs through V8's code
// cache, and uses a cache only with the build it was made from (issue 17 item 6).
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';
import { runStatusBundle, statusBundlePaths, wrapCommonJs } from '../../src/cli/status-loader.js';

/** A stand-in bundle: its build line, then code that records which build ran. */
const bundleOf = (id: string, mark: string): string => `// keybroker-status-build ${id}\nglobalThis.__kbStatusLoaderTest = '${mark}';\n`;
/** V8's cache of `source` after a run. */
function v8CacheOf(source: string): Buffer {
  const script = new vm.Script(wrapCommonJs(source), { filename: 'status.cjs' });
  (script.runInThisContext() as () => void)();
  return script.createCachedData();
}
/** A cache file as the build writes it: the build id, the CRC-32 of V8's data (8 hex digits), then V8's data. */
function cacheOf(id: string, source: string): Buffer {
  const data = v8CacheOf(source);
  return Buffer.concat([Buffer.from(id + crc32(data).toString(16).padStart(8, '0'), 'latin1'), data]);
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

  it('runs nothing and says so when there is no bundle (the source tree under tsx), so status goes through runCli', () => {
    assert.equal(runStatusBundle({ dir }), false);
    assert.equal(ranMark(), undefined);
    fs.writeFileSync(statusBundlePaths(dir).bundle, bundleOf(ID_A, 'A'));
    assert.equal(runStatusBundle({ dir }), true);
    assert.equal(ranMark(), 'A');
  });

  it("Security: never runs another build's cache, even for a bundle of the same length (V8 would)", () => {
    const { bundle, cache } = statusBundlePaths(dir);
    const a = bundleOf(ID_A, 'A');
    const b = bundleOf(ID_B, 'B');
    assert.equal(a.length, b.length, 'the same length, all V8 checks of the source');
    // V8 alone accepts B's cache for A's source and runs B's code: the loader must not let it.
    const probe = new vm.Script(wrapCommonJs(a), { filename: bundle, cachedData: cacheOf(ID_B, b).subarray(40) });
    assert.equal(probe.cachedDataRejected, false);
    fs.writeFileSync(bundle, a);
    fs.writeFileSync(cache, cacheOf(ID_B, b));
    delete (globalThis as Record<string, unknown>)['__kbStatusLoaderTest'];
    runStatusBundle({ dir });
    assert.equal(ranMark(), 'A');
  });

  it('Security: a cache damaged after the build (same length, its CRC no longer matches) is not given to V8; status compiles the bundle', () => {
    // In a child process: V8 (release) does not check its cache's checksum, and the damaged
    // cache this test writes kills the process that deserializes it (a V8 fatal, SIGTRAP).
    const { bundle, cache } = statusBundlePaths(dir);
    // Functions in the bundle, so V8's data has bytecode and objects to damage.
    const source = `// keybroker-status-build ${ID_A}\n${Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return [x, ${i}, 'v${i}'].join('-'); }`).join('\n')}\nglobalThis.__kbStatusLoaderTest = f199('A'); if (process.env.KB_STL_PRINT) console.log(globalThis.__kbStatusLoaderTest);\n`;
    fs.writeFileSync(bundle, source);
    const whole = cacheOf(ID_A, source);
    const damaged = Buffer.from(whole);
    for (let i = Math.floor(damaged.length / 2); i < Math.floor(damaged.length / 2) + 64; i++) damaged[i] = damaged[i]! ^ 0xff;
    const loader = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'src', 'cli', 'status-loader.ts');
    const run = () => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { runStatusBundle } from ${JSON.stringify(loader)}; runStatusBundle({ dir: ${JSON.stringify(dir)} });`], { encoding: 'utf8', env: { ...process.env, KB_STL_PRINT: '1' } });
    for (const file of [whole, damaged]) {
      fs.writeFileSync(cache, file);
      const r = run();
      assert.equal(r.status, 0, `${r.signal ?? ''} ${r.stderr.slice(0, 300)}`);
      assert.equal(r.stdout, 'A-199-v199\n');
    }
  });
});
