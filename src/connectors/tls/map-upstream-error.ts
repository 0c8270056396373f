import { ConnectorError, isConnectorError } from '../connector-error.js';

/** OpenSSL and Node codes that mean "the certificate could not be trusted". */
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
]);

/** Why a connection attempt failed, for codes where we can say something useful. */
const UNREACHABLE_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
  UND_ERR_CLOSED: 'connection closed',
};

/**
 * Turns an error from undici or Node's TLS stack into a one-line ConnectorError about
 * `target` (`host:port`). Already-coded errors, caller aborts and errors without any
 * code (bugs, not network failures) pass through unchanged;
 * `fetch` wraps the real error in `cause`, so the cause chain is searched for a code.
 * Messages carry only the target and the failure kind, never request data.
 */
export function mapUpstreamError(error: unknown, target: string): Error {
  if (isConnectorError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  let coded = false;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isConnectorError(e)) return e;
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    coded = true;
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return new ConnectorError(
        'CONN_TLS_UNTRUSTED',
        `TLS certificate of ${target} is not issued for that host name; use the name in the certificate or pin the certificate with --fingerprint`,
        { cause: error },
      );
    }
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
      const when = code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet';
      return new ConnectorError('CONN_TLS_UNTRUSTED', `TLS certificate of ${target} ${when}; renew it or check the clock`, { cause: error });
    }
    if (UNTRUSTED_CODES.has(code)) {
      return new ConnectorError(
        'CONN_TLS_UNTRUSTED',
        `TLS certificate of ${target} is not trusted (${code}); give its CA with --ca FILE or pin its SHA-256 with --fingerprint`,
        { cause: error },
      );
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new ConnectorError('CONN_TIMEOUT', `${target} did not answer in time; check that the server is healthy and retry`, { cause: error });
    }
    if (code.startsWith('ERR_SSL_')) {
      return new ConnectorError(
        'CONN_UNREACHABLE',
        `TLS handshake with ${target} failed (${code}); check that the URL uses https:// and the right port`,
        { cause: error },
      );
    }
    const reason = UNREACHABLE_REASONS[code];
    if (reason) {
      return new ConnectorError('CONN_UNREACHABLE', `cannot reach ${target}: ${reason}; check the URL and that the server is up`, { cause: error });
    }
  }
  // An error without any code is not a network failure but a bug: let it surface as is.
  if (!coded) return error instanceof Error ? error : new Error(String(error));
  return new ConnectorError('CONN_UNREACHABLE', `request to ${target} failed; check the URL and the network`, { cause: error });
}
