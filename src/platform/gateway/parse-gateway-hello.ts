import { GATEWAY_PROTOCOL, GatewayHello } from '../../base/contracts/gateway-handshake.js';
import { firstIssue } from '../../base/contracts/format-issue.js';

/** The `{code, message}` of an `ok:false` welcome. */
export interface WelcomeError {
  readonly code: string;
  readonly message: string;
}

const SAME_VERSION = 'use a keybroker bridge of the same version as the host';
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Validate the first line a client sent on the gateway socket (validate where the message
 * arrives, STYLE.md §3). The error message never repeats the client's bytes.
 */
export function parseGatewayHello(line: Uint8Array): { ok: true; hello: GatewayHello } | { ok: false; error: WelcomeError } {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(line));
  } catch {
    return bad(`the first line is not JSON; ${SAME_VERSION}`);
  }
  const parsed = GatewayHello.safeParse(value);
  if (parsed.success) return { ok: true, hello: parsed.data };
  const protocol = (value as { protocol?: unknown } | null)?.protocol;
  if (protocol !== GATEWAY_PROTOCOL) return bad(`unsupported gateway protocol (the host speaks ${GATEWAY_PROTOCOL}); ${SAME_VERSION}`);
  const { path, message } = firstIssue(parsed.error);
  return bad(`invalid hello at ${path || '(root)'}: ${message.slice(0, 200)}; ${SAME_VERSION}`);
}

function bad(message: string): { ok: false; error: WelcomeError } {
  return { ok: false, error: { code: 'CORE_GATEWAY_BAD_HELLO', message } };
}
