import net from 'node:net';
import type { GatewayWelcome } from '../../base/contracts/gateway-handshake.js';
import { toControlError } from '../control/to-control-error.js';
import { PrivateSocketServer } from '../ipc/private-socket-server.js';
import { readFirstLine } from '../ipc/read-first-line.js';
import { ServerNotFoundError } from '../supervisor/server-not-found-error.js';
import type { GatewaySessions } from './gateway-sessions.js';
import { GatewaySocketInUseError } from './gateway-socket-errors.js';
import { JsonLineTransport, type JsonLineInvalidReason } from './json-line-transport.js';
import { parseGatewayHello, type WelcomeError } from './parse-gateway-hello.js';

/** Why a connection was refused before (or while) its session opened; the host audits `gateway.rejected`. */
export type GatewayRejectReason = 'bad-hello' | 'hello-too-long' | 'hello-timeout' | 'unknown-server' | 'session-failed';

/** What the host may audit about a refusal: the message sent back, and the names once validated. */
export interface GatewayRejectDetail {
  readonly message: string;
  readonly server?: string;
  readonly client?: string;
}

/** How to run a GatewaySocketServer. */
export interface GatewaySocketServerOptions {
  /** From `gatewaySocketPath(home)`. Its folder is made private (0700) before listening. */
  readonly socketPath: string;
  readonly sessions: GatewaySessions;
  readonly onRejected?: (reason: GatewayRejectReason, detail: GatewayRejectDetail) => void;
  /** A session dropped a line (too long, not JSON, not JSON-RPC); never carries the line. */
  readonly onInvalidLine?: (reason: JsonLineInvalidReason, detail: { readonly server: string; readonly client: string }) => void;
  /** The listener failed after it started. */
  readonly onInternalError?: (error: unknown) => void;
  /** How long a client has to send its hello; default HELLO_TIMEOUT_MS. */
  readonly helloTimeoutMs?: number;
}

/** Longest hello line; a real one is under 200 bytes. */
export const MAX_HELLO_BYTES = 4096;
/** A client that connects but says nothing is dropped after this. */
export const HELLO_TIMEOUT_MS = 5000;
/** A refused client that never closes its side is cut off after this. */
const REFUSAL_LINGER_MS = 1000;

const HELLO_FAILURES = {
  'too-long': { reason: 'hello-too-long', code: 'CORE_GATEWAY_HELLO_TOO_LONG', message: `the hello line is longer than ${MAX_HELLO_BYTES} bytes; use a keybroker bridge of the same version as the host` },
  timeout: { reason: 'hello-timeout', code: 'CORE_GATEWAY_HELLO_TIMEOUT', message: 'no hello line in time; connect with `keybroker bridge SERVER`' },
} as const;

/**
 * The gateway's Unix-socket front door (`<home>/gateway.sock`, DESIGN.md "Gateway"): each
 * connection sends one hello line naming the server and the client, gets one welcome line,
 * then carries one MCP session, its own, over newline-delimited JSON-RPC.
 */
export class GatewaySocketServer extends PrivateSocketServer {
  private constructor(
    server: net.Server,
    private readonly options: GatewaySocketServerOptions,
  ) {
    super(server, options.socketPath);
  }

  /** Replace a stale socket file, listen, and restrict the socket to its owner; refuses when another host answers. */
  static async listen(options: GatewaySocketServerOptions): Promise<GatewaySocketServer> {
    const gateway = new GatewaySocketServer(net.createServer(), options);
    await gateway.listenPrivately((message) => new GatewaySocketInUseError(message));
    gateway.server.on('error', (e) => options.onInternalError?.(e));
    return gateway;
  }

  protected onConnection(socket: net.Socket): void {
    void this.handshake(socket).catch((e: unknown) => {
      this.options.onInternalError?.(e);
      socket.destroy();
    });
  }

  private async handshake(socket: net.Socket): Promise<void> {
    const first = await readFirstLine(socket, { maxBytes: MAX_HELLO_BYTES, timeoutMs: this.options.helloTimeoutMs ?? HELLO_TIMEOUT_MS });
    if (!first.ok) {
      // A peer that left without a word (a second host probing for a stale socket) is not a refusal.
      if (first.reason === 'closed') return void socket.destroy();
      const failure = HELLO_FAILURES[first.reason];
      return this.refuse(socket, failure.reason, { code: failure.code, message: failure.message });
    }
    // Security: nothing reaches a session before the hello is validated; the names that go on
    // to approvals and the audit log are the contract's (ServerName, a client label ≤ 128 chars).
    const parsed = parseGatewayHello(first.line);
    if (!parsed.ok) return this.refuse(socket, 'bad-hello', parsed.error);
    const { server, client, parent } = parsed.hello;
    const names = { server, client };
    if (!this.options.sessions.servers().includes(server)) {
      return this.refuse(socket, 'unknown-server', new ServerNotFoundError(server).toWire(), names);
    }
    const welcome: GatewayWelcome = { ok: true, server };
    const transport = new JsonLineTransport(socket, {
      initialChunk: first.rest,
      greeting: welcome,
      onInvalidLine: (reason) => this.options.onInvalidLine?.(reason, names),
    });
    try {
      await this.options.sessions.openSession({ server, clientLabel: client, ...(parent !== undefined && { clientKey: String(parent) }), via: 'socket', transport });
    } catch (e) {
      const error = toControlError(e);
      // Before start() the welcome is not out yet, so the client can still be told why.
      if (!transport.isStarted) return this.refuse(socket, 'session-failed', error, names);
      this.options.onRejected?.('session-failed', { message: error.message, ...names });
      socket.destroy();
    }
  }

  /** Answer `ok:false`, close, and report. */
  private refuse(socket: net.Socket, reason: GatewayRejectReason, error: WelcomeError, names: { server?: string; client?: string } = {}): void {
    this.options.onRejected?.(reason, { message: error.message, ...names });
    if (socket.destroyed) return;
    const welcome: GatewayWelcome = { ok: false, error: { code: error.code, message: error.message } };
    const linger = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
    socket.resume(); // Discard whatever else the client sends, so its FIN is seen and the socket closes.
    socket.end(JSON.stringify(welcome) + '\n');
  }
}
