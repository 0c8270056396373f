import type net from 'node:net';
import { resolveHome } from '../../platform/config/home.js';
import { gatewaySocketPath } from '../../platform/gateway/gateway-socket-path.js';
import { LineFramer } from '../../platform/ipc/line-framer.js';
import { BRIDGE_ERROR_CODE, BRIDGE_MAX_HOST_LINE_BYTES, BRIDGE_MAX_LINE_BYTES, BRIDGE_STDIN_CLOSED_GRACE_MS, STOPPED_MESSAGE } from './bridge-wire.js';
import { connectHost, type BridgeHello, type HostLink } from './connect-host.js';
import { readHostLineHead } from './host-line-head.js';
import { errorResponse, PendingRequests, requestIdOf, responseIdOf, type RequestId } from './pending-requests.js';
import type { BridgeIo } from './run-bridge.js';

/**
 * Write `line` and its newline in one go; false when the stream is full. A line the framer cut
 * out of one chunk is followed there by its own newline, so the view is widened by that byte
 * and written with one plain write (issue 17); otherwise (a line from several chunks, CRLF)
 * the line and a newline go out corked, still one write call, no copy.
 */
function writeLine(out: NodeJS.WritableStream & { cork(): void; uncork(): void }, line: Uint8Array): boolean {
  const next = line.byteOffset + line.length;
  if (next < line.buffer.byteLength && new Uint8Array(line.buffer, next, 1)[0] === 0x0a) return out.write(new Uint8Array(line.buffer, line.byteOffset, line.length + 1));
  out.cork();
  out.write(line);
  const ok = out.write('\n');
  out.uncork();
  return ok;
}

/**
 * One bridge run: connecting (client lines queue), then online (lines piped both ways, open
 * requests tracked) or offline (every request answered with the reason at once), then done.
 * Whatever happens, no request the client sent is left without an answer.
 */
export class BridgeSession {
  private state: 'connecting' | 'online' | 'offline' | 'done' = 'connecting';
  private readonly queue: Array<{ value: unknown; line: Uint8Array }> = [];
  private readonly pending = new PendingRequests();
  private readonly stdinFramer: LineFramer;
  private socket: net.Socket | undefined;
  private offlineMessage = '';
  private stdinEnded = false;
  private graceTimer: NodeJS.Timeout | undefined;
  private resolveExit!: (code: number) => void;
  /** The exit code, once stdin has closed or the host has gone. */
  readonly exited = new Promise<number>((resolve) => (this.resolveExit = resolve));

  private readonly onStdinData = (chunk: Buffer): void => this.stdinFramer.push(chunk);
  private readonly onStdinEnd = (): void => {
    if (this.stdinEnded) return;
    this.stdinEnded = true;
    this.stdinFramer.end();
    this.afterStdinEnd();
  };

  constructor(private readonly io: BridgeIo) {
    this.stdinFramer = new LineFramer({
      maxLineBytes: BRIDGE_MAX_LINE_BYTES,
      onValue: (value, line) => this.fromClient(value, line),
      onInvalid: (reason) => this.note(reason === 'too-long' ? `dropped a client message longer than ${BRIDGE_MAX_LINE_BYTES} bytes` : 'dropped a client line that is not JSON'),
    });
    // Read stdin while connecting: the client's `initialize` waits in the queue, not in a pipe.
    io.stdin.on('data', this.onStdinData);
    io.stdin.on('end', this.onStdinEnd);
    io.stdin.on('error', this.onStdinEnd);
    io.stdout.on('error', () => this.finish(1)); // EPIPE: the client is gone, nobody to answer.
  }

  /** Connect to the host of `env`'s home; never throws. */
  async connect(env: NodeJS.ProcessEnv, hello: BridgeHello): Promise<void> {
    let link: HostLink;
    try {
      link = await connectHost(gatewaySocketPath(resolveHome(env), env), hello);
    } catch (e) {
      // Only locating the socket throws (a path too long even for the fallback, a foreign folder).
      const message = `KeyBroker's socket cannot be located: ${(e as Error).message}`;
      link = { ok: false, message, diagnostic: message };
    }
    if (this.state === 'done') {
      if (link.ok) link.socket.destroy();
      return;
    }
    if (link.ok) this.goOnline(link.socket, link.rest);
    else this.goOffline(link.message, link.diagnostic);
  }

  private goOnline(socket: net.Socket, rest: Buffer): void {
    this.state = 'online';
    this.socket = socket;
    const framer = new LineFramer({
      maxLineBytes: BRIDGE_MAX_HOST_LINE_BYTES,
      // A line whose head says what it answers is passed on here, unparsed (issue 17); the
      // framer parses only the others.
      acceptLine: (line) => {
        const head = readHostLineHead(line);
        if (head === undefined) return true;
        this.fromHost(head.answers, line);
        return false;
      },
      onValue: (value, line) => this.fromHost(responseIdOf(value), line),
      onInvalid: (reason) => this.note(`dropped a host line (${reason}); make sure the bridge and the host are the same version`),
    });
    framer.push(rest);
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('end', () => framer.end());
    socket.on('error', (e: NodeJS.ErrnoException) => this.note(`the connection to KeyBroker failed (${e.code ?? e.message})`));
    socket.on('close', () => this.hostGone());
    for (const { value, line } of this.queue.splice(0)) this.fromClient(value, line);
    socket.resume();
    if (this.stdinEnded) this.afterStdinEnd();
  }

  private goOffline(message: string, diagnostic: string): void {
    this.state = 'offline';
    this.offlineMessage = message;
    this.note(diagnostic);
    for (const { value, line } of this.queue.splice(0)) this.fromClient(value, line);
    if (this.stdinEnded) this.afterStdinEnd();
  }

  /** A client line: `value` is read to track requests, `line` (its bytes as sent) goes on (issue 17). */
  private fromClient(value: unknown, line: Uint8Array): void {
    if (this.state === 'connecting') this.queue.push({ value, line });
    else if (this.state === 'online') {
      this.pending.fromClient(value);
      this.toHost(line);
    } else if (this.state === 'offline') {
      // Notifications and responses get nothing; requests get the reason, at once.
      const id = requestIdOf(value);
      if (id !== undefined) this.toClient(errorResponse(id, BRIDGE_ERROR_CODE, this.offlineMessage));
    }
  }

  /** A host line: the request it answers is closed, and the line passed on as the bytes it came as (issue 17). */
  private fromHost(answers: RequestId | undefined, line: Uint8Array): void {
    if (this.state !== 'online') return;
    this.pending.answered(answers);
    this.toClient(line);
    if (this.stdinEnded && this.pending.size === 0) this.finish(0);
  }

  /** The socket closed while online: the host stopped or died. Nobody may be left waiting. */
  private hostGone(): void {
    if (this.state !== 'online') return;
    const ids = this.pending.drain();
    for (const id of ids) this.toClient(errorResponse(id, BRIDGE_ERROR_CODE, STOPPED_MESSAGE));
    this.note(`KeyBroker closed the connection${ids.length ? `; answered ${ids.length} open request(s) with an error` : ''}`);
    this.finish(1);
  }

  private afterStdinEnd(): void {
    if (this.state === 'offline') this.finish(1);
    else if (this.state === 'online') {
      if (this.pending.size === 0) this.finish(0);
      else this.graceTimer ??= setTimeout(() => this.finish(0), BRIDGE_STDIN_CLOSED_GRACE_MS);
    }
  }

  private toHost(line: Uint8Array): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    // Backpressure: stop reading the client while the host's side is full.
    if (!writeLine(socket, line) && !this.io.stdin.isPaused()) {
      this.io.stdin.pause();
      socket.once('drain', () => this.state === 'online' && this.io.stdin.resume());
    }
  }

  /** A line to the client: a host line's bytes as they came, or a message the bridge makes itself. */
  private toClient(message: Uint8Array | object): void {
    const socket = this.socket;
    const ok = message instanceof Uint8Array ? writeLine(this.io.stdout, message) : this.io.stdout.write(JSON.stringify(message) + '\n');
    // Backpressure: stop reading the host while the client is not reading its stdout.
    if (!ok && socket && !socket.isPaused()) {
      socket.pause();
      this.io.stdout.once('drain', () => socket.resume());
    }
  }

  private note(text: string): void {
    this.io.stderr.write(`keybroker bridge: ${text}\n`);
  }

  /** Stop reading, end the socket (bounded), and resolve the exit code. */
  private finish(code: number): void {
    if (this.state === 'done') return;
    this.state = 'done';
    clearTimeout(this.graceTimer);
    this.io.stdin.off('data', this.onStdinData);
    this.io.stdin.off('end', this.onStdinEnd);
    this.io.stdin.off('error', this.onStdinEnd);
    this.io.stdin.pause();
    const socket = this.socket;
    if (!socket || socket.destroyed) return this.resolveExit(code);
    const timer = setTimeout(() => socket.destroy(), 500);
    socket.once('close', () => {
      clearTimeout(timer);
      this.resolveExit(code);
    });
    socket.end();
  }
}
