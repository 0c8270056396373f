import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import { ensurePrivateDir } from '../fs/private-dir.js';
import { clearStaleSocket, type SocketInUse } from './stale-socket.js';

/** The socket file a `listenPrivateSocket` call created. */
export interface PrivateSocketFile {
  readonly path: string;
  /** Remove the socket file if it is still the one we created; harmless when already gone. */
  unlink(): void;
}

/**
 * Listen on `socketPath` so that only the current user can connect: the folder is made 0700
 * before binding, a stale socket left by a dead host is replaced, a live one is refused with
 * `inUse(message)`, and the socket itself is 0600. Shared by the control and gateway sockets.
 */
export async function listenPrivateSocket(server: net.Server, socketPath: string, inUse: SocketInUse): Promise<PrivateSocketFile> {
  // Security: the socket's mode is set after bind, so the folder is what guards the gap:
  // it is 0700 and ours before the socket exists, whatever the umask says.
  if (process.platform !== 'win32') ensurePrivateDir(path.dirname(socketPath));
  await clearStaleSocket(socketPath, inUse);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform === 'win32') return { path: socketPath, unlink: () => undefined };
  // Security: owner-only, independent of the umask the socket was created under.
  fs.chmodSync(socketPath, 0o600);
  const inode = fs.lstatSync(socketPath).ino;
  return {
    path: socketPath,
    unlink() {
      try {
        // Only our own socket: if something replaced the path since, it is not ours to remove.
        if (fs.lstatSync(socketPath).ino === inode) fs.rmSync(socketPath, { force: true });
      } catch {
        // Already gone.
      }
    },
  };
}
