import fs from 'node:fs';
import net from 'node:net';

const PROBE_TIMEOUT_MS = 2000;

/** Builds the coded error a caller throws when the path is taken (e.g. ControlSocketInUseError). */
export type SocketInUse = (message: string) => Error;

/** Connect to `socketPath` once: 'alive' if something accepts, 'stale' if nobody listens. */
function probe(socketPath: string): Promise<'alive' | 'stale'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const timer = setTimeout(() => {
      // A listener too busy to accept is still a listener: do not steal its path.
      socket.destroy();
      resolve('alive');
    }, PROBE_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('alive');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT') resolve('stale');
      else reject(e);
    });
  });
}

/**
 * Make `socketPath` free to listen on. A socket file left by a crashed host (nobody accepts
 * on it) is removed; a live listener or a non-socket file is refused with `inUse(message)`,
 * whose message says what to do next. The host lock normally prevents a second host, so a
 * live listener means something is off.
 */
export async function clearStaleSocket(socketPath: string, inUse: SocketInUse): Promise<void> {
  if (process.platform === 'win32') return; // Named pipes vanish with their server.
  let st: fs.Stats;
  try {
    st = fs.lstatSync(socketPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  // Security: never unlink something that is not a socket (a symlink or a user's file).
  if (!st.isSocket()) throw inUse(`${socketPath} exists and is not a socket; move it aside and retry`);
  if ((await probe(socketPath)) === 'alive') {
    throw inUse(`another process already answers on ${socketPath}; stop the other KeyBroker host first`);
  }
  fs.rmSync(socketPath, { force: true });
}
