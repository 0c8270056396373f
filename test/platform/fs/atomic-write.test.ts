// writeFileAtomic (the local-safety mutation area): config.json, keychain.json, the tool pins
// and the CLI's files are replaced whole or not at all. A reader sees the old or the new
// content; a failed write leaves the old file and no temp file; the file has its mode from
// the first byte; a link planted at the path is replaced, never written through.
import { describe, it, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../../src/platform/fs/atomic-write.js';

const posix = process.platform !== 'win32';
const openFds = () => fs.readdirSync('/proc/self/fd').length;
const hasProcFds = fs.existsSync('/proc/self/fd');

describe('writeFileAtomic()', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-atomic-'));
    file = path.join(dir, 'config.json');
  });
  afterEach(() => {
    mock.restoreAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('replaces the file by rename: a reader of the old one keeps it whole, and no temp file is left', () => {
    writeFileAtomic(file, 'x'.repeat(10_000));
    const before = fs.statSync(file).ino;
    const reader = fs.openSync(file, 'r');
    try {
      writeFileAtomic(file, Buffer.from('new'));
      assert.notEqual(fs.statSync(file).ino, before);
      assert.equal(fs.readFileSync(reader, 'utf8'), 'x'.repeat(10_000));
    } finally {
      fs.closeSync(reader);
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(fs.readdirSync(dir), ['config.json']);
  });

  it('Security: the file is 0600 unless asked otherwise, and has the asked mode even where the umask would narrow it', { skip: !posix && 'POSIX modes' }, () => {
    const old = process.umask(0o077);
    try {
      writeFileAtomic(file, 'a');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const launcher = path.join(dir, 'keybroker');
      writeFileAtomic(launcher, '#!/bin/sh\n', 0o755);
      assert.equal(fs.statSync(launcher).mode & 0o777, 0o755);
      process.umask(0);
      writeFileAtomic(file, 'b');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'a zero umask does not widen it');
    } finally {
      process.umask(old);
    }
  });

  it('Security: the temp file is created in the same folder, 0600 and exclusively, before a byte is written', { skip: !posix && 'POSIX modes' }, () => {
    const opened: { name: string; flags: unknown; mode: unknown }[] = [];
    const realOpen = fs.openSync;
    mock.method(fs, 'openSync', (name: fs.PathLike, flags: fs.OpenMode, mode?: fs.Mode) => {
      opened.push({ name: String(name), flags, mode });
      return realOpen(name, flags, mode);
    });
    writeFileAtomic(file, 'secret-free text');
    const tmp = opened[0]!;
    assert.equal(path.dirname(tmp.name), dir);
    assert.match(path.basename(tmp.name), new RegExp(`^\\.config\\.json\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    assert.equal(tmp.flags, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL);
    assert.equal(tmp.mode, 0o600);
    assert.notEqual(opened[1]?.name, undefined);
    assert.equal(opened[1]!.name, dir, 'the folder is opened to be synced');
  });

  it('syncs the data before the rename and the folder after it, and closes what it opens', { skip: !hasProcFds && 'needs /proc/self/fd' }, () => {
    const steps: string[] = [];
    const realFsync = fs.fsyncSync;
    const realRename = fs.renameSync;
    mock.method(fs, 'fsyncSync', (fd: number) => {
      steps.push(`fsync ${fs.readlinkSync(`/proc/self/fd/${fd}`) === dir ? 'dir' : 'tmp'}`);
      realFsync(fd);
    });
    mock.method(fs, 'renameSync', (from: fs.PathLike, to: fs.PathLike) => {
      steps.push('rename');
      realRename(from, to);
    });
    const fds = openFds();
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    assert.deepEqual(steps, ['fsync tmp', 'rename', 'fsync dir', 'fsync tmp', 'rename', 'fsync dir']);
    assert.equal(openFds(), fds, 'a file descriptor was left open');
  });

  it('Security: replaces a symbolic link planted at the path, never writing through it', { skip: !posix && 'POSIX links' }, () => {
    const target = path.join(dir, 'elsewhere.txt');
    fs.writeFileSync(target, 'theirs');
    fs.symlinkSync(target, file);
    writeFileAtomic(file, 'ours');
    assert.equal(fs.lstatSync(file).isSymbolicLink(), false);
    assert.equal(fs.readFileSync(file, 'utf8'), 'ours');
    assert.equal(fs.readFileSync(target, 'utf8'), 'theirs');
  });

  it('leaves the old file, no temp file and no open descriptor when the write fails, and throws its error', { skip: !hasProcFds && 'needs /proc/self/fd' }, () => {
    writeFileAtomic(file, 'old');
    const fds = openFds();
    // Data fs cannot write stands for a write that fails half-way (a full disk).
    assert.throws(() => writeFileAtomic(file, Symbol('not data') as never), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.equal(fs.readFileSync(file, 'utf8'), 'old');
    assert.deepEqual(fs.readdirSync(dir), ['config.json']);
    assert.equal(openFds(), fds, 'a file descriptor was left open');
  });

  it('leaves no temp file when the rename fails (a folder at the path), and throws its error', () => {
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'inside'), 'kept');
    assert.throws(() => writeFileAtomic(file, 'new'), (e: NodeJS.ErrnoException) => e.syscall === 'rename');
    assert.deepEqual(fs.readdirSync(dir), ['config.json']);
    assert.equal(fs.readFileSync(path.join(file, 'inside'), 'utf8'), 'kept');
  });

  it('leaves no temp file when giving it its mode fails, and throws that error', () => {
    writeFileAtomic(file, 'old');
    mock.method(fs, 'chmodSync', () => { throw Object.assign(new Error('EPERM: operation not permitted, chmod'), { code: 'EPERM', syscall: 'chmod' }); });
    assert.throws(() => writeFileAtomic(file, 'new'), { syscall: 'chmod' });
    assert.deepEqual(fs.readdirSync(dir), ['config.json']);
    assert.equal(fs.readFileSync(file, 'utf8'), 'old');
  });

  it('fails, creating nothing, when the folder does not exist', () => {
    const missing = path.join(dir, 'no', 'config.json');
    assert.throws(() => writeFileAtomic(missing, 'x'), { code: 'ENOENT' });
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
