// The built server children (scripts/build.mjs buildServer, src/platform/kinds/server-entry.ts):
// dist/mcp/<name>/index.cjs runs server.cjs through the code cache the build made, and the
// child the host starts (its flags, its sandbox) takes that cache. Runs the built dist/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { p6Module } from '../../../src/platform/kinds/p6.js';
import { vsphereModule } from '../../../src/platform/kinds/vsphere.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import { detectSandbox } from '../../../src/platform/supervisor/sandbox/detect-sandbox.js';

const DIST = path.resolve(import.meta.dirname, '../../../dist');
const servers = [
  { name: 'vsphere', execArgv: vsphereModule.server?.execArgv ?? [] },
  { name: 'p6', execArgv: p6Module.server?.execArgv ?? [] },
];
const buildIdOf = (file: string): string | undefined => /^\/\/ keybroker-server-build ([0-9a-f]{32})\n/.exec(fs.readFileSync(file, 'utf8'))?.[1];

describe('built server children through their code cache', () => {
  for (const { name, execArgv } of servers) {
    const dir = path.join(DIST, 'mcp', name);
    const entry = path.join(dir, 'index.cjs');

    it(`${name}: the entry names its bundle's build id, and the cache beside it was made for that build`, () => {
      const id = buildIdOf(path.join(dir, 'server.cjs'));
      assert.ok(id, 'server.cjs starts with its build line');
      assert.ok(fs.readFileSync(entry, 'utf8').includes(JSON.stringify(id)), 'index.cjs carries the id (the tool manifest hashes its bytes)');
      assert.equal(fs.readFileSync(path.join(dir, 'server.v8cache')).toString('latin1', 0, 32), id);
    });

    it(`${name}: started with the host's flags for it (${execArgv.join(' ') || 'none'}), V8 takes the build's cache`, () => {
      const r = spawnSync(process.execPath, [...execArgv, entry], { env: { PATH: process.env['PATH'] ?? '', KEYBROKER_CODE_CACHE_TRACE: '1' }, encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^code cache: accepted\n.*started outside KeyBroker/s);
    });
  }

  // docs/PERFORMANCE.md §5 round 5: a CommonJS entry (D111) and undici's HTTP/2 client
  // on first use (D112).
  it('a child starts without Node’s ESM loader and without node:http2', () => {
    const modules = (args: string[]): string[] => {
      const r = spawnSync(process.execPath, ['--require', path.resolve(import.meta.dirname, '../../fixtures/print-module-load-list.cjs'), ...args], { env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8', timeout: 20_000 });
      return /^modules: (.*)$/m.exec(r.stderr)?.[1]?.split(' ') ?? [];
    };
    // What a bare node loads anyway (its bootstrap has a few of the ESM loader's modules).
    const bare = new Set(modules(['-e', '0']));
    for (const { name, execArgv } of servers) {
      const loaded = modules([...execArgv, path.join(DIST, 'mcp', name, 'index.cjs')]).filter((m) => !bare.has(m));
      assert.ok(loaded.includes('vm') && loaded.includes('http'), `${name}: the bundle ran (${loaded.join(' ')})`);
      assert.deepEqual(loaded.filter((m) => m.startsWith('internal/modules/esm/') || m === 'http2' || m.startsWith('internal/http2/')), [], name);
    }
  });

  it('vsphere: other V8 flags than the build used make V8 refuse the cache, and the child still starts (compiling)', () => {
    const r = spawnSync(process.execPath, ['--max-semi-space-size=4', path.join(DIST, 'mcp', 'vsphere', 'index.cjs')], { env: { PATH: process.env['PATH'] ?? '', KEYBROKER_CODE_CACHE_TRACE: '1' }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^code cache: rejected\n.*started outside KeyBroker/s);
  });

  // Also how its V8 flags are seen to reach the child through bubblewrap: V8 refuses a cache
  // made under other flags (the test above), so "accepted" means the kind's flags were in effect.
  for (const { name, execArgv } of servers) it(`inside the bubblewrap sandbox, the ${name} child reads its cache (the app folder is bound read-only), so its V8 flags reached it`, { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
    const sandbox = detectSandbox(process.env, 'linux');
    assert.equal(sandbox.isolation, 'bubblewrap', sandbox.note);
    const launcher = new NodeLauncher({ sandbox });
    const child = launcher.launch({ name, modulePath: path.join(DIST, 'mcp', name, 'index.cjs'), execArgv, env: { PATH: '/usr/bin:/bin', KEYBROKER_CODE_CACHE_TRACE: '1' } });
    const lines: string[] = [];
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    try {
      // The trace comes before the server runs; then the child waits for its host's frames.
      await new Promise<void>((resolve, reject) => {
        child.onLog((line) => {
          lines.push(line);
          if (line.startsWith('code cache: ')) resolve();
        });
        void exited.then(() => reject(new Error(`exited: ${lines.join(' | ')}`)));
      });
      assert.deepEqual(lines.filter((l) => l.startsWith('code cache: ')), ['code cache: accepted']);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  describe('a bundle from another build', () => {
    let tmp: string;
    before(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-entry-'));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('Security: a server.cjs that is not the build its entry was made with is not run', () => {
      const src = path.join(DIST, 'mcp', 'p6');
      fs.copyFileSync(path.join(src, 'index.cjs'), path.join(tmp, 'index.cjs'));
      const other = fs.readFileSync(path.join(src, 'server.cjs'), 'utf8').replace(/^(\/\/ keybroker-server-build )[0-9a-f]{32}/, `$1${'0'.repeat(32)}`);
      fs.writeFileSync(path.join(tmp, 'server.cjs'), other);
      // Its own (consistent) cache: still not run, whatever V8 would accept.
      fs.copyFileSync(path.join(src, 'server.v8cache'), path.join(tmp, 'server.v8cache'));
      const r = spawnSync(process.execPath, [path.join(tmp, 'index.cjs')], { env: { PATH: process.env['PATH'] ?? '', KEYBROKER_CODE_CACHE_TRACE: '1' }, encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /is not the build its entry was made with/);
      assert.doesNotMatch(r.stderr, /code cache:|started outside KeyBroker/, 'nothing of the bundle ran');
    });
  });
});
