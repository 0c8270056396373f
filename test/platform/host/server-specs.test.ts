import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { serverSpecs } from '../../../src/platform/host/server-specs.js';

describe('serverSpecs()', () => {
  it('starts the built-in vSphere child with small V8 semi-spaces, baseline-compiled wasm a slow-growing old generation and a smaller TurboFan inlining budget, the P6 child with baseline-compiled wasm, 8 MiB semi-spaces and a slow-growing old generation, and a config server with its own execArgv only', () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-server-specs-'));
    try {
      for (const name of ['vsphere', 'p6']) {
        fs.mkdirSync(path.join(dist, 'mcp', name), { recursive: true });
        fs.writeFileSync(path.join(dist, 'mcp', name, 'index.cjs'), '');
      }
      const config = Config.parse({ ...emptyConfig(), servers: [{ name: 'extra', kind: 'vsphere', module: path.join(dist, 'extra.js'), execArgv: ['--import', 'tsx'] }] });
      const specs = serverSpecs(config, dist);
      assert.deepEqual(
        specs.map((s) => [s.name, s.execArgv]),
        [
          ['vsphere', ['--max-semi-space-size=2', '--liftoff-only', '--heap-growing-percent=20', '--max-inlined-bytecode-size-cumulative=460']],
          // undici's llhttp without TurboFan in both: ~30 MiB less on P6's first page (PERFORMANCE §3);
          // P6's peak flat across walks, not growing with each (§3 round 6).
          ['p6', ['--liftoff-only', '--max-semi-space-size=8', '--heap-growing-percent=20']],
          ['extra', ['--import', 'tsx']],
        ],
      );
      // Security (C7-firstuse): only config.json's servers are marked, so only they ask before their first session.
      assert.deepEqual(specs.map((s) => [s.name, s.fromConfig]), [['vsphere', undefined], ['p6', undefined], ['extra', true]], 'the config server is marked');
      // The P6 child maps large blocks instead of keeping them in glibc's arena (PERFORMANCE §3).
      assert.deepEqual(
        specs.map((s) => [s.name, s.env]),
        [
          ['vsphere', undefined],
          ['p6', { MALLOC_MMAP_THRESHOLD_: '131072' }],
          ['extra', undefined],
        ],
      );
      // Security: a built-in child names its three files, which alone the sandbox lets it read;
      // a config server names none (its package and dependencies are readable) (D182).
      assert.deepEqual(
        specs.map((s) => [s.name, s.reads]),
        [
          ['vsphere', ['index.cjs', 'server.cjs', 'server.v8cache'].map((f) => path.join(dist, 'mcp', 'vsphere', f))],
          ['p6', ['index.cjs', 'server.cjs', 'server.v8cache'].map((f) => path.join(dist, 'mcp', 'p6', f))],
          ['extra', undefined],
        ],
      );
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });
});
