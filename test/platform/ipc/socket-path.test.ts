import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_SOCKET_PATH_BYTES, resolveSocketPath } from '../../../src/platform/ipc/socket-path.js';

describe('resolveSocketPath()', () => {
  let base: string;
  let longHome: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-sock-'));
    longHome = path.join(base, 'a'.repeat(60), 'b'.repeat(60));
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('returns the preferred path when it fits in sun_path', () => {
    const preferred = path.join(base, 'control.sock');
    assert.equal(resolveSocketPath(preferred, 'control.sock'), preferred);
    // Nothing is created for the preferred path: that is the host's home.
    assert.deepEqual(fs.readdirSync(base), []);
  });

  it('moves a >100-byte path to a private folder under XDG_RUNTIME_DIR', () => {
    const runtime = path.join(base, 'run');
    fs.mkdirSync(runtime, { mode: 0o700 });
    const preferred = path.join(longHome, 'control.sock');
    assert.ok(Buffer.byteLength(preferred) > MAX_SOCKET_PATH_BYTES, 'the preferred path is too long for a socket');
    const got = resolveSocketPath(preferred, 'control.sock', { home: longHome, env: { XDG_RUNTIME_DIR: runtime } });
    assert.match(got, new RegExp(`^${runtime}/keybroker-[0-9a-f]{10}/control\\.sock$`));
    assert.ok(Buffer.byteLength(got) <= MAX_SOCKET_PATH_BYTES, 'the path used instead fits a socket');
    const dir = path.dirname(got);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(dir).uid, process.getuid!());
    // Same home, same answer: the host and the CLI meet at the same path.
    assert.equal(resolveSocketPath(preferred, 'control.sock', { home: longHome, env: { XDG_RUNTIME_DIR: runtime } }), got);
    // Another home gets another folder.
    const other = resolveSocketPath(path.join(longHome + 'x', 'control.sock'), 'control.sock', { env: { XDG_RUNTIME_DIR: runtime } });
    assert.notEqual(path.dirname(other), dir);
  });

  it('falls back to tmpdir/keybroker-<uid>-<hash> without (or with a relative) XDG_RUNTIME_DIR', () => {
    const preferred = path.join(longHome, 'control.sock');
    for (const env of [{}, { XDG_RUNTIME_DIR: 'relative/run' }]) {
      const got = resolveSocketPath(preferred, 'control.sock', { env, tmpdir: base });
      assert.match(got, new RegExp(`^${base}/keybroker-${process.getuid!()}-[0-9a-f]{10}/control\\.sock$`));
      assert.equal(fs.statSync(path.dirname(got)).mode & 0o777, 0o700);
    }
  });

  it('tightens a loose fallback folder and refuses one that is a symlink', () => {
    const preferred = path.join(longHome, 'control.sock');
    const first = resolveSocketPath(preferred, 'control.sock', { env: {}, tmpdir: base });
    fs.chmodSync(path.dirname(first), 0o777);
    resolveSocketPath(preferred, 'control.sock', { env: {}, tmpdir: base });
    assert.equal(fs.statSync(path.dirname(first)).mode & 0o777, 0o700);

    fs.rmSync(path.dirname(first), { recursive: true });
    const elsewhere = fs.mkdtempSync(path.join(base, 'planted-'));
    fs.symlinkSync(elsewhere, path.dirname(first));
    assert.throws(() => resolveSocketPath(preferred, 'control.sock', { env: {}, tmpdir: base }), (e: Error & { code?: string }) => e.code === 'CORE_PRIVATE_DIR' && /is a symbolic link, not a folder/.test(e.message));
  });

  it('refuses when even the fallback is too long, saying what to change', () => {
    const preferred = path.join(longHome, 'control.sock');
    assert.throws(
      () => resolveSocketPath(preferred, 'control.sock', { env: {}, tmpdir: path.join(base, 'c'.repeat(100)) }),
      (e: Error & { code?: string }) => e.code === 'CORE_SOCKET_PATH_TOO_LONG' && /XDG_RUNTIME_DIR/.test(e.message),
    );
  });

  it('uses a named pipe on Windows', () => {
    assert.match(resolveSocketPath('C:\\Users\\me\\KeyBroker\\control.sock', 'control.sock', { platform: 'win32' }), /^\\\\\.\\pipe\\keybroker-[0-9a-f]{10}-control\.sock$/);
  });
});
