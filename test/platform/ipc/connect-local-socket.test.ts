import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectLocalSocket, isNobodyListening } from '../../../src/platform/ipc/connect-local-socket.js';

/** A private folder for socket files, removed by `t.after`. */
function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-connect-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The code a connect to `socketPath` is refused with. */
async function refusedCode(socketPath: string): Promise<string | undefined> {
  const e = await connectLocalSocket(socketPath).then(
    (s) => {
      s.destroy();
      return undefined;
    },
    (err: NodeJS.ErrnoException) => err,
  );
  assert.ok(e, `the connect to ${socketPath} is refused`);
  return e.code;
}

describe('connectLocalSocket() and isNobodyListening()', { skip: process.platform === 'win32' && 'Unix socket files' }, () => {
  it('resolves with the connected socket and leaves no error listener of its own', async (t) => {
    const socketPath = path.join(tempDir(t), 'live.sock');
    const server = net.createServer((peer) => peer.end('hello\n'));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    t.after(() => server.close());
    const socket = await connectLocalSocket(socketPath);
    assert.equal(socket.listenerCount('error'), 0, 'the caller adds its own error listener');
    const first = await new Promise<string>((resolve) => socket.once('data', (b: Buffer) => resolve(b.toString())));
    assert.equal(first, 'hello\n', 'the socket reads from the listener');
    socket.destroy();
  });

  it('says nobody listens for a missing file, a socket file left by a dead listener, and a path through a file', async (t) => {
    const dir = tempDir(t);
    assert.equal(await refusedCode(path.join(dir, 'missing.sock')), 'ENOENT', 'no file');
    const stale = path.join(dir, 'stale.sock');
    // A socket file nobody accepts on, as a killed host leaves it: bound, never listened on.
    execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', stale]);
    const staleCode = await refusedCode(stale);
    assert.equal(staleCode, 'ECONNREFUSED', 'a socket file with nobody listening');
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    assert.equal(await refusedCode(path.join(file, 'x.sock')), 'ENOTDIR', 'a path through a regular file');
    for (const code of ['ENOENT', 'ECONNREFUSED', 'ENOTDIR']) assert.equal(isNobodyListening(code), true, `${code} means start KeyBroker`);
    for (const code of ['EACCES', 'EPERM', 'ENAMETOOLONG', undefined]) assert.equal(isNobodyListening(code), false, `${String(code)} means check the file, not start KeyBroker`);
  });
});
