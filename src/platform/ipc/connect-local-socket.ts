import net from 'node:net';

/**
 * The connect errors that mean nobody listens on a local socket path: no file (ENOENT), a
 * socket file left by a host that is gone (ECONNREFUSED), a path through something that is
 * not a folder (ENOTDIR). Every client of the host's sockets says "start KeyBroker" for
 * these and "check the owner and mode of that file" for the rest (EACCES, EPERM, ...).
 */
export function isNobodyListening(code: string | undefined): boolean {
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTDIR';
}

/**
 * Connect to a Unix socket or named pipe. Resolves with the connected socket and no 'error'
 * listener left (the caller adds its own before its first await); rejects with the connect
 * error, the socket destroyed.
 */
export function connectLocalSocket(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(e);
    });
  });
}
