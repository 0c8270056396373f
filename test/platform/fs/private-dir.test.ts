// ensurePrivateDir (the local-safety mutation area): KeyBroker's home and socket folders are
// 0700 and its own, and a file, a symbolic link or another user's folder at that path is
// refused, never used or tightened.
import { describe, it, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePrivateDir } from '../../../src/platform/fs/private-dir.js';

const ELSEWHERE = 'or set KEYBROKER_HOME (and XDG_RUNTIME_DIR, for the socket folder) to folders you own, then retry';
const posix = process.platform !== 'win32';
const modeOf = (p: string) => fs.lstatSync(p).mode & 0o777;
const refused = (dir: string, message: string, cause?: string) =>
  assert.throws(() => ensurePrivateDir(dir), (e: Error & { code?: string; cause?: unknown }) => {
    assert.equal(e.code, 'CORE_PRIVATE_DIR');
    assert.equal(e.message, message);
    assert.equal((e.cause as NodeJS.ErrnoException | undefined)?.code, cause);
    return true;
  });

describe('ensurePrivateDir()', { skip: !posix && 'modes and owners are POSIX' }, () => {
  let base: string;
  beforeEach(() => { base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-private-dir-')); });
  afterEach(() => {
    mock.restoreAll();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('creates the folder and every missing parent 0700, whatever the umask', () => {
    const old = process.umask(0o002);
    try {
      const dir = path.join(base, 'a', 'b', 'home');
      ensurePrivateDir(dir);
      for (const p of [path.join(base, 'a'), path.join(base, 'a', 'b'), dir]) assert.equal(modeOf(p), 0o700, p);
    } finally {
      process.umask(old);
    }
  });

  it('Security: tightens a folder left open to others, and leaves a private one alone', () => {
    const dir = path.join(base, 'home');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o777);
    ensurePrivateDir(dir);
    assert.equal(modeOf(dir), 0o700);
    fs.chmodSync(dir, 0o710);
    ensurePrivateDir(dir);
    assert.equal(modeOf(dir), 0o700, 'group search (0710) is not private');
    // A private folder is only looked at, so a home on a read-only mount still opens.
    const chmod = mock.method(fs, 'chmodSync');
    ensurePrivateDir(dir);
    assert.equal(chmod.mock.callCount(), 0);
    assert.equal(modeOf(dir), 0o700);
  });

  it('says what to do when a loose folder cannot be tightened', () => {
    const dir = path.join(base, 'home');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    // Root may chmod anything; a read-only mount is what refuses it here.
    mock.method(fs, 'chmodSync', () => { throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }); });
    refused(dir, `cannot make ${dir} private (EROFS); fix its permissions (chmod 700), ${ELSEWHERE}`, 'EROFS');
  });

  it('Security: refuses a symbolic link to a folder, and leaves the link and its target as they were', () => {
    const target = path.join(base, 'elsewhere');
    fs.mkdirSync(target, { mode: 0o755 });
    fs.chmodSync(target, 0o755);
    const link = path.join(base, 'home');
    fs.symlinkSync(target, link);
    refused(link, `${link} is a symbolic link, not a folder; remove the link, ${ELSEWHERE}`);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the symbolic link is left as it was');
    assert.equal(modeOf(target), 0o755, 'the link was followed');
  });

  it('refuses a file at the path, or above it, saying to move it aside', () => {
    const file = path.join(base, 'home');
    fs.writeFileSync(file, 'x');
    refused(file, `${file} (or a folder above it) exists but is not a folder; move it aside, ${ELSEWHERE}`, 'EEXIST');
    const below = path.join(file, 'sub');
    refused(below, `${below} (or a folder above it) exists but is not a folder; move it aside, ${ELSEWHERE}`, 'ENOTDIR');
    assert.equal(fs.readFileSync(file, 'utf8'), 'x');
  });

  it('Security: says what failed when the folder cannot be created, and creates nothing through a dangling link', () => {
    const dir = path.join(base, 'dangling', 'home');
    fs.symlinkSync(path.join(base, 'nowhere'), path.join(base, 'dangling'));
    // mkdir -p does not create a dangling link's target.
    refused(dir, `cannot create ${dir} (ENOENT); check the permissions of the folder above it, ${ELSEWHERE}`, 'ENOENT');
    assert.equal(fs.existsSync(path.join(base, 'nowhere')), false);
    const nul = path.join(base, 'bad\0name');
    refused(nul, `cannot create ${nul} (ERR_INVALID_ARG_VALUE); check the permissions of the folder above it, ${ELSEWHERE}`, 'ERR_INVALID_ARG_VALUE');
  });

  it('Security: refuses a folder another user owns, without tightening it', () => {
    const dir = path.join(base, 'home');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const owner = fs.statSync(dir).uid;
    // The folder is this process's; seen from another uid it is someone else's.
    mock.method(process as { getuid: () => number }, 'getuid', () => owner + 1);
    try {
      refused(dir, `${dir} belongs to another user (uid ${owner}), so it cannot be kept private; remove it, ${ELSEWHERE}`);
    } finally {
      mock.restoreAll();
    }
    assert.equal(modeOf(dir), 0o755);
    ensurePrivateDir(dir);
    assert.equal(modeOf(dir), 0o700);
  });
});
