// The lock files under config.json.lock and host.lock (D177): created whole (pid and
// token from the first byte) and exclusively, released only by their owner, and a stale one
// removed by exactly one taker, never the fresh lock that replaced it. The race itself runs
// with real processes in lock-takeover-race.test.ts; these pin each rule on its own.
import { describe, it, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLockFile, lockContentPid, readLockFile, releaseLockFile, removeStaleLockFile, sweepDeadTakeovers } from '../../../src/platform/fs/lock-file.js';

const root = process.getuid?.() === 0;
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;
/** The takeover lock of `file`'s instance holding `content`. */
const takeoverOf = (file: string, content: string) =>
  path.join(path.dirname(file), `.${path.basename(file)}.${crypto.createHash('sha256').update(content).digest('hex').slice(0, 16)}.reap`);
/** Stale when the pid is gone (the config lock's rule without the empty case). */
const deadOwner = (content: string) => {
  const pid = lockContentPid(content);
  return pid !== undefined && spawnSync('kill', ['-0', String(pid)]).status !== 0;
};

describe('lock files', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-lockfile-'));
    file = path.join(dir, 'config.json.lock');
  });
  afterEach(() => {
    mock.restoreAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const left = () => fs.readdirSync(dir).sort();

  it('reads the pid at the start of the content, and nothing that is not one', () => {
    assert.equal(lockContentPid('123 0123456789ab\n'), 123);
    assert.equal(lockContentPid('123\n'), 123);
    assert.equal(lockContentPid('  77  '), 77);
    for (const bad of [undefined, '', '\n', '0', '-5 x', 'abc', 'x123', '99999999999999999999']) assert.equal(lockContentPid(bad), undefined, JSON.stringify(bad));
  });

  it('creates the lock whole, 0600, holding our pid and a token, by linking a finished temp file', () => {
    const linked: string[] = [];
    const realLink = fs.linkSync;
    mock.method(fs, 'linkSync', (from: fs.PathLike, to: fs.PathLike) => {
      linked.push(fs.readFileSync(from, 'utf8')); // What a reader finds the moment the name exists.
      realLink(from, to);
    });
    const synced = mock.method(fs, 'fsyncSync');
    const held = createLockFile(file)!;
    assert.equal(synced.mock.callCount(), 0, 'a lock is not worth an fsync: it is stale after a crash anyway');
    assert.equal(held.file, file);
    assert.match(held.content, new RegExp(`^${process.pid} [0-9a-f]{12}\\n$`));
    assert.deepEqual(linked, [held.content]);
    assert.equal(readLockFile(file), held.content);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(left(), ['config.json.lock'], 'the temp file was left');
    assert.notEqual(createLockFile(path.join(dir, 'other.lock'))!.content, held.content, 'two locks, one token');
  });

  it('does not create over an existing lock, and leaves it and no temp file', () => {
    fs.writeFileSync(file, '42 theirs\n');
    assert.equal(createLockFile(file), undefined);
    assert.equal(readLockFile(file), '42 theirs\n');
    assert.deepEqual(left(), ['config.json.lock']);
  });

  it('passes on any other failure, leaving no temp file', () => {
    mock.method(fs, 'linkSync', () => { throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' }); });
    assert.throws(() => createLockFile(file), { code: 'EPERM' });
    assert.deepEqual(left(), []);
  });

  it('reads a missing lock as none and passes on other read errors', () => {
    assert.equal(readLockFile(file), undefined);
    fs.mkdirSync(file);
    assert.throws(() => readLockFile(file), { code: 'EISDIR' });
  });

  it('releases only its own lock, never the one that replaced it', () => {
    const held = createLockFile(file)!;
    releaseLockFile(held);
    assert.deepEqual(left(), []);
    const again = createLockFile(file)!;
    fs.writeFileSync(file, `${process.ppid} theirs\n`);
    releaseLockFile(again);
    assert.equal(readLockFile(file), `${process.ppid} theirs\n`);
  });

  describe('removeStaleLockFile()', () => {
    it('removes the stale lock it was given, once, and leaves no takeover lock', () => {
      const stale = `${deadPid()} 0123456789ab\n`;
      fs.writeFileSync(file, stale);
      assert.equal(removeStaleLockFile(file, stale, deadOwner), true);
      assert.deepEqual(left(), []);
      assert.equal(removeStaleLockFile(file, stale, deadOwner), false, 'removed twice');
      assert.deepEqual(left(), []);
    });

    it('Security: never removes the fresh lock that replaced the stale one it judged', () => {
      const stale = `${deadPid()}\n`;
      fs.writeFileSync(file, `${process.ppid} fresh\n`); // Another taker already removed `stale` and took the lock.
      assert.equal(removeStaleLockFile(file, stale, () => true), false);
      assert.equal(readLockFile(file), `${process.ppid} fresh\n`);
      assert.deepEqual(left(), ['config.json.lock']);
    });

    it('re-judges under its takeover: the same content no longer stale is kept', () => {
      // Content without a token is not unique: an empty lock judged stale (old) may be
      // another, fresh one by the time the takeover is held.
      fs.writeFileSync(file, '');
      const judged: string[] = [];
      assert.equal(removeStaleLockFile(file, '', (content, at) => { judged.push(`${at}:${content}`); return false; }), false);
      assert.deepEqual(judged, [`${file}:`]);
      assert.deepEqual(left(), ['config.json.lock']);
    });

    it('waits while another live process takes the same stale lock over', () => {
      const stale = `${deadPid()}\n`;
      fs.writeFileSync(file, stale);
      const takeover = takeoverOf(file, stale);
      fs.writeFileSync(takeover, `${process.ppid} taker\n`);
      assert.equal(removeStaleLockFile(file, stale, deadOwner), false);
      assert.equal(readLockFile(file), stale);
      assert.equal(readLockFile(takeover), `${process.ppid} taker\n`);
    });

    it('does not contend for a live taker\'s takeover, and ends the attempt when it vanished before its read', () => {
      const stale = `${deadPid()}\n`;
      fs.writeFileSync(file, stale);
      const takeover = takeoverOf(file, stale);
      fs.writeFileSync(takeover, `${process.ppid} taker\n`);
      const realLink = fs.linkSync;
      const linked: string[] = [];
      mock.method(fs, 'linkSync', (from: fs.PathLike, to: fs.PathLike) => { linked.push(path.basename(String(to))); realLink(from, to); });
      assert.equal(removeStaleLockFile(file, stale, deadOwner), false);
      assert.deepEqual(linked, [path.basename(takeover)], 'only its own takeover tried, not one of the live taker\'s');
      // The taker finished between our EEXIST and our read: nothing to take over, and no error.
      fs.rmSync(takeover);
      mock.method(fs, 'linkSync', () => { throw Object.assign(new Error('EEXIST: file already exists, link'), { code: 'EEXIST' }); });
      assert.equal(removeStaleLockFile(file, stale, () => true), false);
      assert.equal(readLockFile(file), stale);
    });

    it('takes over the takeover of a taker that died in it, then the stale lock', () => {
      const stale = `${deadPid()}\n`;
      fs.writeFileSync(file, stale);
      const takeover = takeoverOf(file, stale);
      const deadTaker = `${deadPid()} taker\n`;
      fs.writeFileSync(takeover, deadTaker);
      assert.equal(removeStaleLockFile(file, stale, deadOwner), false);
      assert.deepEqual(left(), ['config.json.lock'], 'the dead taker\'s takeover is removed, and its own takeover');
      assert.equal(removeStaleLockFile(file, stale, deadOwner), true);
      assert.deepEqual(left(), []);
    });

    /** A stale lock and a chain of `length` takeover locks above it, each taker dead. */
    const chainOf = (length: number) => {
      const stale = `${deadPid()}\n`;
      fs.writeFileSync(file, stale);
      let level = file;
      let content = stale;
      const chain: string[] = [];
      for (let depth = 0; depth < length; depth++) {
        level = takeoverOf(level, content);
        content = `${deadPid()} t${depth}\n`;
        fs.writeFileSync(level, content);
        chain.push(path.basename(level));
      }
      return { stale, chain };
    };

    it('takes over a chain of four dead takeovers from its top, one level per attempt', () => {
      const { stale, chain } = chainOf(4);
      assert.equal(removeStaleLockFile(file, stale, deadOwner), false);
      assert.deepEqual(left(), ['config.json.lock', ...chain.slice(0, 3)].sort(), 'the topmost dead takeover goes first');
    });

    it('gives up an attempt on a chain deeper than four, removing nothing', () => {
      const { stale, chain } = chainOf(5);
      assert.equal(removeStaleLockFile(file, stale, deadOwner), false);
      assert.deepEqual(left(), ['config.json.lock', ...chain].sort());
    });
  });

  describe('sweepDeadTakeovers()', () => {
    it('never fails the lock it runs under: a folder it cannot list', () => {
      const held = createLockFile(file)!;
      mock.method(fs, 'readdirSync', () => { throw Object.assign(new Error('EACCES: permission denied, scandir'), { code: 'EACCES' }); });
      assert.doesNotThrow(() => sweepDeadTakeovers(held));
    });
    it('removes, while the lock is held, the takeover locks of dead takers at any depth, and nothing else', { skip: !root && 'needs root to chown' }, () => {
      const held = createLockFile(file)!;
      const dead = `${deadPid()} t\n`;
      const one = takeoverOf(file, 'a');
      const two = takeoverOf(one, 'b');
      fs.writeFileSync(one, dead);
      fs.writeFileSync(two, dead);
      const live = takeoverOf(file, 'c');
      fs.writeFileSync(live, `${process.ppid} t\n`);
      const ours = takeoverOf(file, 'd');
      fs.writeFileSync(ours, `${process.pid} t\n`);
      const other = takeoverOf(path.join(dir, 'host.lock'), 'e');
      fs.writeFileSync(other, dead);
      const theirs = takeoverOf(file, 'f');
      fs.writeFileSync(theirs, dead);
      fs.chownSync(theirs, 65_534, 65_534);
      const victim = path.join(dir, 'victim');
      fs.writeFileSync(victim, dead);
      const link = takeoverOf(file, 'g');
      fs.symlinkSync(victim, link);
      const near = `${one}x`;
      fs.writeFileSync(near, dead);
      sweepDeadTakeovers(held);
      assert.deepEqual(left(), ['config.json.lock', ...[live, ours, other, theirs, link, near, victim].map((p) => path.basename(p))].sort());
      assert.equal(readLockFile(victim), dead);
    });
  });
});
