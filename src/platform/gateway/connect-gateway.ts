import type net from 'node:net';
import { GATEWAY_PROTOCOL, GatewayWelcome, type GatewayHello } from '../../base/contracts/gateway-handshake.js';
import { HostNotRunningError } from '../../base/errors/host-not-running-error.js';
import { connectLocalSocket, isNobodyListening } from '../ipc/connect-local-socket.js';
import { readFirstLine } from '../ipc/read-first-line.js';
import { GatewayHandshakeError, GatewayRefusedError } from './gateway-socket-errors.js';
import { MAX_HELLO_BYTES } from './gateway-socket-server.js';
import { JsonLineTransport, type JsonLineTransportOptions } from './json-line-transport.js';

/** Where and as whom to connect. */
export interface ConnectGatewayOptions {
  /** From `gatewaySocketPath(home)`. */
  readonly socketPath: string;
  readonly server: string;
  /** Shown in approvals and the audit log until the MCP `initialize` names the client. */
  readonly client: string;
  /** The process this client runs for (`keybroker call`: its parent); see GatewayHello `parent`. */
  readonly parent?: number;
  /** How long to wait for the welcome; default 5 s. */
  readonly timeoutMs?: number;
  readonly onInvalidLine?: JsonLineTransportOptions['onInvalidLine'];
}

/**
 * The in-process client end of the gateway socket (`keybroker call`, tests, benchmarks):
 * connect, say hello, wait for the welcome, and return an unstarted transport for an SDK
 * `Client`. Throws HostNotRunningError when nothing listens, GatewayRefusedError on `ok:false`.
 */
export async function connectGateway(options: ConnectGatewayOptions): Promise<JsonLineTransport> {
  const socket = await connect(options.socketPath);
  const hello: GatewayHello = { protocol: GATEWAY_PROTOCOL, server: options.server, client: options.client, ...(options.parent !== undefined && { parent: options.parent }) };
  socket.write(JSON.stringify(hello) + '\n');
  const first = await readFirstLine(socket, { maxBytes: MAX_HELLO_BYTES, timeoutMs: options.timeoutMs ?? 5000 });
  if (!first.ok) {
    socket.destroy();
    throw new GatewayHandshakeError(`KeyBroker did not welcome the connection (${first.reason}); check the host log, or restart it`);
  }
  let welcome: GatewayWelcome;
  try {
    welcome = GatewayWelcome.parse(JSON.parse(first.line.toString('utf8')));
  } catch (e) {
    socket.destroy();
    throw new GatewayHandshakeError('KeyBroker answered something unexpected; make sure the CLI and the host are the same version', { cause: e });
  }
  if (!welcome.ok) {
    socket.destroy();
    throw new GatewayRefusedError(welcome.error.code, welcome.error.message);
  }
  // The client's end does not hold back the host (JsonLineTransport `windowed`): only the host's end does.
  return new JsonLineTransport(socket, { initialChunk: first.rest, windowed: false, ...(options.onInvalidLine ? { onInvalidLine: options.onInvalidLine } : {}) });
}

async function connect(socketPath: string): Promise<net.Socket> {
  try {
    return await connectLocalSocket(socketPath);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (isNobodyListening(err.code)) throw new HostNotRunningError({ cause: err });
    throw new GatewayHandshakeError(`cannot connect to ${socketPath} (${err.code ?? err.message}); check the owner and mode of that file`, { cause: err });
  }
}
