// One host per home (D13): host.lock names the running host's pid; a second host refuses
// with that pid, and a lock its owner left by dying is taken over, by exactly one starting
// host (D177; the race with real processes is test/platform/fs/lock-takeover-race).
import { describe, it, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostAlreadyRunningError, HostLock, isProcessAlive, readLockPid } from '../../../src/platform/host/host-lock.js';

const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

describe('HostLock', () => {
  let dir: string;
  let lockFile: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-host-lock-'));
    lockFile = path.join(dir, 'host.lock');
  });
  afterEach(() => {
    mock.restoreAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const left = () => fs.readdirSync(dir).sort();
  const refusal = (pid: number) => (e: unknown) => {
    assert.ok(e instanceof HostAlreadyRunningError, 'the second host is refused with HostAlreadyRunningError');
    assert.equal(e.code, 'CORE_HOST_RUNNING');
    assert.equal(e.pid, pid);
    assert.equal(e.message, `KeyBroker is already running for this home (pid ${pid}, lock ${lockFile}); stop it first or use that instance`);
    return true;
  };

  it('takes a free lock with our pid, and releases it once', () => {
    const lock = new HostLock(lockFile);
    lock.acquire();
    assert.equal(readLockPid(lockFile), process.pid);
    assert.match(fs.readFileSync(lockFile, 'utf8'), new RegExp(`^${process.pid} [0-9a-f]{12}\\n$`));
    assert.deepEqual(left(), ['host.lock']);
    lock.release();
    assert.deepEqual(left(), []);
    fs.writeFileSync(lockFile, `${process.ppid}\n`);
    lock.release(); // Released already: another's lock stays.
    assert.equal(readLockPid(lockFile), process.ppid);
  });

  it('refuses while a live process holds it, naming that pid, and leaves its lock', () => {
    fs.writeFileSync(lockFile, `${process.ppid} 0123456789ab\n`);
    const pauses = mock.method(Atomics, 'wait');
    assert.throws(() => new HostLock(lockFile).acquire(), refusal(process.ppid));
    assert.equal(pauses.mock.callCount(), 0, 'a live owner is refused at once');
    assert.equal(fs.readFileSync(lockFile, 'utf8'), `${process.ppid} 0123456789ab\n`);
    assert.deepEqual(left(), ['host.lock']);
  });

  it('takes over a lock whose owner is gone, one with no pid, and one with our own pid (an earlier process)', () => {
    for (const stale of [`${deadPid()}\n`, `${deadPid()} 0123456789ab\n`, '', 'garbage\n', `${process.pid} 0123456789ab\n`]) {
      fs.writeFileSync(lockFile, stale);
      const lock = new HostLock(lockFile);
      lock.acquire();
      assert.equal(readLockPid(lockFile), process.pid, JSON.stringify(stale));
      assert.notEqual(fs.readFileSync(lockFile, 'utf8'), stale);
      assert.deepEqual(left(), ['host.lock'], JSON.stringify(stale));
      lock.release();
    }
  });

  it('does not release a lock that is no longer its own', () => {
    const lock = new HostLock(lockFile);
    lock.acquire();
    fs.writeFileSync(lockFile, `${process.ppid} theirs\n`);
    lock.release();
    assert.equal(fs.readFileSync(lockFile, 'utf8'), `${process.ppid} theirs\n`);
  });

  it('waits for another live host taking the same stale lock over, then refuses with the stale pid if it never finishes', () => {
    const dead = deadPid();
    const stale = `${dead}\n`;
    fs.writeFileSync(lockFile, stale);
    const takeover = path.join(dir, `.host.lock.${crypto.createHash('sha256').update(stale).digest('hex').slice(0, 16)}.reap`);
    fs.writeFileSync(takeover, `${process.ppid} taker\n`);
    let now = 1_000_000;
    mock.method(Date, 'now', () => now);
    const pauses = mock.method(Atomics, 'wait', () => { now += 1000; return 'timed-out'; });
    assert.throws(() => new HostLock(lockFile).acquire(), refusal(dead));
    assert.equal(pauses.mock.callCount(), 2, 'it waits 2 s (on a fake clock), and not past that');
    assert.deepEqual(pauses.mock.calls[0]!.arguments.slice(1), [0, 0, 10]);
    assert.equal(fs.readFileSync(lockFile, 'utf8'), stale, 'removed while another host was taking it over');
  });

  it('starts once another start\'s takeover of the stale lock ends while it waits', () => {
    const stale = `${deadPid()}\n`;
    fs.writeFileSync(lockFile, stale);
    const takeover = path.join(dir, `.host.lock.${crypto.createHash('sha256').update(stale).digest('hex').slice(0, 16)}.reap`);
    fs.writeFileSync(takeover, `${process.ppid} taker\n`);
    // The other start finishes during our first pause: it removed the stale lock and its takeover, and gave up.
    mock.method(Atomics, 'wait', () => {
      fs.rmSync(lockFile);
      fs.rmSync(takeover);
      return 'timed-out';
    });
    const lock = new HostLock(lockFile);
    lock.acquire();
    assert.equal(readLockPid(lockFile), process.pid);
    lock.release();
  });

  it('tries again at once when the lock it found taken is gone when read', () => {
    const realLink = fs.linkSync;
    let links = 0;
    mock.method(fs, 'linkSync', (from: fs.PathLike, to: fs.PathLike) => {
      if (links++ === 0) throw Object.assign(new Error('EEXIST: file already exists, link'), { code: 'EEXIST' }); // Its owner released it meanwhile.
      realLink(from, to);
    });
    const lock = new HostLock(lockFile);
    lock.acquire();
    assert.equal(links, 2);
    assert.equal(readLockPid(lockFile), process.pid);
  });

  it('passes on an error other than a taken lock', () => {
    assert.throws(() => new HostLock(path.join(dir, 'missing', 'host.lock')).acquire(), { code: 'ENOENT' });
  });

  it('reads a pid, or none, from a lock file', () => {
    assert.equal(readLockPid(lockFile), undefined);
    fs.mkdirSync(lockFile);
    assert.equal(readLockPid(lockFile), undefined, 'an unreadable lock names nobody');
    assert.equal(isProcessAlive(process.pid), true);
    assert.equal(isProcessAlive(deadPid()), false);
  });
});
