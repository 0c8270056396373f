import type net from 'node:net';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { listenPrivateSocket, type PrivateSocketFile } from './private-socket.js';

/**
 * What the control socket and the gateway socket share: listen on an owner-only socket
 * file, track connections, and on close drop them all and remove our own socket file.
 * Subclasses say what to do with each connection in `onConnection`.
 */
export abstract class PrivateSocketServer implements Disposable {
  private readonly sockets = new Set<net.Socket>();
  private file: PrivateSocketFile | undefined;
  private closing: Promise<void> | undefined;

  protected constructor(
    protected readonly server: net.Server,
    /** Where the server listens. */
    readonly socketPath: string,
  ) {
    server.on('connection', (socket) => this.track(socket));
  }

  /** Replace a stale socket file, listen, and restrict the socket to its owner (0600 in a 0700 folder). */
  protected async listenPrivately(inUse: (message: string) => Error): Promise<void> {
    this.file = await listenPrivateSocket(this.server, this.socketPath, inUse);
  }

  /** Open connections right now; tests use it to check that nothing leaked. */
  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Stop listening, drop every connection and remove the socket file. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const s of this.sockets) s.destroy();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.file?.unlink();
    })();
    return this.closing;
  }

  /** Same as `close()`, for owners that dispose synchronously. */
  dispose(): void {
    void this.close();
  }

  /** Handle one accepted connection; errors and close are already tracked. */
  protected abstract onConnection(socket: net.Socket): void;

  private track(socket: net.Socket): void {
    if (this.closing) return void socket.destroy();
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy()); // EPIPE / ECONNRESET: the peer went away; 'close' cleans up.
    this.onConnection(socket);
  }
}
