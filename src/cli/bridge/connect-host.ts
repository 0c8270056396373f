import type net from 'node:net';
import { sanitizeText } from '../../base/sanitize-text.js';
import { connectLocalSocket, isNobodyListening } from '../../platform/ipc/connect-local-socket.js';
import { readFirstLine } from '../../platform/ipc/read-first-line.js';
import { BRIDGE_MAX_WELCOME_BYTES, BRIDGE_PROTOCOL, BRIDGE_WELCOME_TIMEOUT_MS, NOT_RUNNING_MESSAGE } from './bridge-wire.js';

/** A live session link to the host, or what to tell the client and the log instead. */
export type HostLink =
  | { readonly ok: true; readonly socket: net.Socket; readonly rest: Buffer }
  | { readonly ok: false; readonly message: string; readonly diagnostic: string };

/** Who is asking for what. */
export interface BridgeHello {
  readonly server: string;
  readonly client: string;
}

/** Security: the host's words end up in a JSON-RPC error the client may show; one plain line only. */
const oneLine = (text: string): string => sanitizeText(text, { maxChars: 1024 });

/**
 * Connect to the gateway socket, send the hello and read the welcome (DESIGN.md "Gateway").
 * Never throws and never waits longer than the welcome timeout: every failure becomes a
 * message for the client's requests plus a diagnostic for stderr.
 */
export async function connectHost(socketPath: string, hello: BridgeHello): Promise<HostLink> {
  let socket: net.Socket;
  try {
    socket = await connectLocalSocket(socketPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    if (isNobodyListening(code)) {
      return { ok: false, message: NOT_RUNNING_MESSAGE, diagnostic: `no KeyBroker host answers on ${socketPath} (${code}); start it (menu-bar app or \`keybroker serve\`)` };
    }
    const message = `KeyBroker cannot be reached on ${socketPath} (${code}); check the owner and mode of that file`;
    return { ok: false, message, diagnostic: message };
  }
  socket.on('error', () => undefined); // The read below reports the failure; 'close' follows.
  // The process that started this bridge: all its bridges to a server share one client's share of it (D200).
  const parent = process.ppid > 1 ? { parent: process.ppid } : {};
  socket.write(JSON.stringify({ protocol: BRIDGE_PROTOCOL, server: hello.server, client: hello.client, ...parent }) + '\n');
  const first = await readFirstLine(socket, { maxBytes: BRIDGE_MAX_WELCOME_BYTES, timeoutMs: BRIDGE_WELCOME_TIMEOUT_MS });
  const fail = (message: string): HostLink => {
    socket.destroy();
    return { ok: false, message, diagnostic: message };
  };
  if (!first.ok) return fail(`KeyBroker did not welcome the bridge (${first.reason}); restart it (menu-bar app or \`keybroker serve\`) and reconnect`);
  let welcome: { ok?: unknown; server?: unknown; error?: { message?: unknown } } | null;
  try {
    welcome = JSON.parse(first.line.toString('utf8')) as typeof welcome;
  } catch {
    welcome = null;
  }
  if (welcome?.ok === true && welcome.server === hello.server) return { ok: true, socket, rest: first.rest };
  if (welcome?.ok === false && typeof welcome.error?.message === 'string') return fail(`KeyBroker refused the connection: ${oneLine(welcome.error.message)}`);
  return fail('KeyBroker answered something unexpected; make sure the bridge and the host are the same version');
}
