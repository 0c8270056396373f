// Security/integrity rule (D144): two processes changing config.json at once never
// lose a change. ConfigStore.update holds `config.json.lock` around its load-change-save; a
// second process waits for it, and one that waits too long says who holds it.
import { after, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { withConfigLock } from '../../../src/platform/config/config-lock.js';
import { waitFor } from '../../support/keybroker-cli.js';

const CHILD = path.resolve(import.meta.dirname, '../../fixtures/config/update-child.ts');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-config-lock-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshHome = () => path.join(root, `home-${n++}`);
const ids = (home: string) => new ConfigStore(home).load().endpoints.map((e) => e.id).sort();

/** `update-child.ts home id [gate]` as its own process; resolves with its exit code and output. */
function updateChild(home: string, id: string, gate?: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, id, ...(gate ? [gate] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const done = new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
  return { child, done };
}

describe('ConfigStore.update across processes', () => {
  it('keeps a second process out while one is between its load and its save, so neither change is lost', async () => {
    const home = freshHome();
    const gate = path.join(root, `gate-${n++}`);
    fs.mkdirSync(gate);
    const first = updateChild(home, 'a', gate);
    try {
      await waitFor('the first change to be inside update()', () => (fs.existsSync(path.join(gate, 'inside')) ? true : undefined));
      // Without the lock the second process loads the empty config, saves `b` and exits 0,
      // and the first then saves `a` over it: `b` is lost although its command said done.
      const second = await updateChild(home, 'b').done;
      assert.equal(second.code, 1, `the second change ran while the first was in progress: ${second.out}`);
      assert.match(second.out, new RegExp(`^CORE_CONFIG_LOCKED: config\\.json is being changed by pid ${first.child.pid} \\(lock ${path.join(home, 'config.json.lock').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) and it did not finish; retry in a moment`));
    } finally {
      fs.writeFileSync(path.join(gate, 'go'), '');
    }
    assert.deepEqual(await first.done, { code: 0, out: 'added a\n' });
    assert.equal(fs.existsSync(path.join(home, 'config.json.lock')), false, 'the lock outlived its change');
    assert.deepEqual((await updateChild(home, 'b').done).code, 0);
    assert.deepEqual(ids(home), ['a', 'b']);
  });

  it('loses none of six changes made at once', async () => {
    const home = freshHome();
    const names = Array.from({ length: 6 }, (_, i) => `c${i}`);
    const results = await Promise.all(names.map((id) => updateChild(home, id).done));
    assert.deepEqual(results.map((r) => r.code), names.map(() => 0), results.map((r) => r.out).join(''));
    assert.deepEqual(ids(home), names);
  });

  it('takes over a lock whose owner died, and one that never got a pid', () => {
    const home = freshHome();
    const store = new ConfigStore(home, { lockWaitMs: 60_000 });
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // Reaped: no process has this pid now.
    fs.writeFileSync(store.paths.configLock, `${dead}\n`);
    store.update((c) => ({ ...c, http: { ...c.http, port: 47_101 } }));
    assert.equal(store.load().http.port, 47_101);
    assert.equal(fs.existsSync(store.paths.configLock), false);

    fs.writeFileSync(store.paths.configLock, ''); // Its owner died between creating and writing it.
    const past = new Date(Date.now() - 10_000);
    fs.utimesSync(store.paths.configLock, past, past);
    store.update((c) => ({ ...c, http: { ...c.http, port: 47_102 } }));
    assert.equal(store.load().http.port, 47_102);
  });

  it('tries again at once, without waiting, when the lock it found taken is gone when read', (t) => {
    const home = freshHome();
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const lockFile = path.join(home, 'config.json.lock');
    const realLink = fs.linkSync;
    let links = 0;
    t.after(() => mock.restoreAll());
    mock.method(fs, 'linkSync', (from: fs.PathLike, to: fs.PathLike) => {
      if (links++ === 0) throw Object.assign(new Error('EEXIST: file already exists, link'), { code: 'EEXIST' }); // Released meanwhile.
      realLink(from, to);
    });
    assert.equal(withConfigLock(lockFile, () => 'changed', { waitMs: 0 }), 'changed');
    assert.equal(links, 2);
    assert.equal(fs.existsSync(lockFile), false);
  });

  it('gives up on a live owner after lockWaitMs, changing nothing and leaving its lock', () => {
    const home = freshHome();
    const store = new ConfigStore(home, { lockWaitMs: 50 });
    store.update((c) => c);
    const before = fs.readFileSync(store.paths.config, 'utf8');
    fs.writeFileSync(store.paths.configLock, `${process.ppid}\n`); // A live process that is not us.
    assert.throws(() => store.update((c) => ({ ...c, http: { ...c.http, port: 47_103 } })), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CORE_CONFIG_LOCKED');
      assert.equal(e.message, `config.json is being changed by pid ${process.ppid} (lock ${store.paths.configLock}) and it did not finish; retry in a moment, or delete ${store.paths.configLock} if no keybroker command or KeyBroker app is running`);
      return true;
    });
    assert.equal(fs.readFileSync(store.paths.config, 'utf8'), before);
    assert.equal(fs.readFileSync(store.paths.configLock, 'utf8'), `${process.ppid}\n`);
  });
});
