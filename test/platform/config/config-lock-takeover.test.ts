// config.json.lock's rules in this process (D144, D177): a dead owner's lock, an
// empty one past 2 s, one gone when read are taken; a live owner's, ours, and a young empty
// one are waited for, and a wait past lockWaitMs names who holds it. The processes racing
// are in config-lock.test.ts and test/platform/fs/lock-takeover-race.test.ts.
import { after, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { withConfigLock } from '../../../src/platform/config/config-lock.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-config-lock-takeover-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshHome = () => path.join(root, `home-${n++}`);

describe('withConfigLock()', () => {
  it('takes over a lock whose owner died, and one that never got a pid', () => {
    const home = freshHome();
    const store = new ConfigStore(home, { lockWaitMs: 0 }); // Taken at once, not after a wait.
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
  it('waits for a lock with no pid younger than 2 s, and for one with our own pid, then names no pid or ours', () => {
    const home = freshHome();
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const lockFile = path.join(home, 'config.json.lock');
    fs.writeFileSync(lockFile, ''); // Being written by an older version this very moment.
    assert.throws(() => withConfigLock(lockFile, () => 'ran', { waitMs: 30 }), (e: Error & { code?: string; pid?: number }) => {
      assert.equal(e.code, 'CORE_CONFIG_LOCKED');
      assert.equal(e.pid, undefined);
      assert.match(e.message, /^config\.json is being changed by another process \(lock /);
      return true;
    });
    assert.equal(fs.readFileSync(lockFile, 'utf8'), '');
    fs.writeFileSync(lockFile, `${process.pid} 0123456789ab\n`);
    assert.throws(() => withConfigLock(lockFile, () => 'ran', { waitMs: 30 }), (e: Error & { pid?: number }) => e.pid === process.pid);
    assert.equal(fs.readFileSync(lockFile, 'utf8'), `${process.pid} 0123456789ab\n`);
  });

  it('returns what the change returned and releases the lock also when the change throws', () => {
    const home = freshHome();
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const lockFile = path.join(home, 'config.json.lock');
    assert.equal(withConfigLock(lockFile, () => fs.readFileSync(lockFile, 'utf8')).startsWith(`${process.pid} `), true);
    assert.throws(() => withConfigLock(lockFile, () => { throw new Error('change failed'); }), /change failed/);
    assert.deepEqual(fs.readdirSync(home), []);
  });

  /** A fake clock at `start`; each pause (Atomics.wait) moves it on by `step` and is counted. */
  const fakeClock = (start: number, step: number) => {
    let now = start;
    mock.method(Date, 'now', () => now);
    const pauses = mock.method(Atomics, 'wait', () => { now += step; return 'timed-out'; });
    return pauses;
  };

  it('waits for a live owner exactly until lockWaitMs has passed, pausing 10 ms at a time', (t) => {
    t.after(() => mock.restoreAll());
    const home = freshHome();
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const lockFile = path.join(home, 'config.json.lock');
    fs.writeFileSync(lockFile, `${process.ppid}\n`);
    const pauses = fakeClock(1_000_000, 10);
    assert.throws(() => withConfigLock(lockFile, () => 'ran', { waitMs: 20 }), { code: 'CORE_CONFIG_LOCKED' });
    assert.equal(pauses.mock.callCount(), 2, 'two pauses of 10 ms reach a wait of 20 ms, and no third');
    assert.deepEqual(pauses.mock.calls[0]!.arguments.slice(1), [0, 0, 10]);
  });

  it('goes in once the owner released during the wait', (t) => {
    t.after(() => mock.restoreAll());
    const home = freshHome();
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const lockFile = path.join(home, 'config.json.lock');
    fs.writeFileSync(lockFile, `${process.ppid}\n`);
    mock.method(Atomics, 'wait', () => { fs.rmSync(lockFile, { force: true }); return 'timed-out'; });
    assert.equal(withConfigLock(lockFile, () => 'ran', { waitMs: 5000 }), 'ran');
  });

  it('takes a lock with no pid only when it is more than 2 s old, and not when its age cannot be read', (t) => {
    t.after(() => mock.restoreAll());
    const home = freshHome();
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const lockFile = path.join(home, 'config.json.lock');
    fs.writeFileSync(lockFile, '');
    const at = new Date(Date.now() - 60_000);
    fs.utimesSync(lockFile, at, at);
    const mtime = fs.statSync(lockFile).mtimeMs;
    mock.method(Date, 'now', () => mtime + 2000);
    assert.throws(() => withConfigLock(lockFile, () => 'ran', { waitMs: 0 }), { code: 'CORE_CONFIG_LOCKED' });
    const realStat = fs.statSync;
    mock.method(Date, 'now', () => mtime + 2001);
    mock.method(fs, 'statSync', (p: fs.PathLike, ...rest: never[]) => {
      if (String(p) === lockFile) throw Object.assign(new Error('ENOENT: no such file or directory, stat'), { code: 'ENOENT' });
      return realStat(p, ...rest);
    });
    assert.throws(() => withConfigLock(lockFile, () => 'ran', { waitMs: 0 }), { code: 'CORE_CONFIG_LOCKED' });
    mock.restoreAll();
    mock.method(Date, 'now', () => mtime + 2001);
    assert.equal(withConfigLock(lockFile, () => 'ran', { waitMs: 0 }), 'ran');
  });
});
