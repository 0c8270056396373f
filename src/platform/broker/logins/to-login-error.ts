import { UpstreamLoginError } from '../upstream-login.js';

/**
 * Map a connector failure to the token protocol's terms. Connector messages are already
 * one safe line (no password, no cookie); anything uncoded gets a generic line.
 */
export function toLoginError(e: unknown, endpointId: string): UpstreamLoginError {
  const code = (e as { code?: unknown } | null)?.code;
  const message = typeof (e as Error | null)?.message === 'string' && typeof code === 'string' && code.startsWith('CONN_')
    ? (e as Error).message
    : `login to ${endpointId} failed unexpectedly; check the URL and the network, then try again`;
  return new UpstreamLoginError(code === 'CONN_LOGIN_FAILED' ? 'login_failed' : 'unreachable', message);
}
