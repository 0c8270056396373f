import { ConnectorError, isConnectorError } from '../../connector-error.js';

/** OpenSSL/Node codes meaning "the certificate is not trusted", as opposed to "nobody answered". */
const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'CERT_SIGNATURE_FAILURE', 'CERT_REVOKED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The error and its causes, outermost first (undici wraps socket errors in `cause`). */
function chain(e: unknown): unknown[] {
  const out: unknown[] = [];
  for (let cur = e; cur !== undefined && cur !== null && out.length < 8; cur = (cur as { cause?: unknown }).cause) out.push(cur);
  return out;
}

const codeOf = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | undefined)?.code;
  // Only well-formed codes reach a message; anything else could be arbitrary text.
  return typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code) ? code : undefined;
};

/**
 * Map a failure of the HTTP exchange itself (no HTTP status) to a ConnectorError.
 * A ConnectorError raised inside the dispatcher (the TLS pinning module) passes through
 * unchanged. Messages name only the origin and an error code, never headers or bodies.
 */
export function networkError(e: unknown, origin: string, timeoutMs: number): ConnectorError {
  const errors = chain(e);
  const inner = errors.find(isConnectorError);
  if (inner) return inner;
  const codes = errors.map(codeOf).filter((c): c is string => c !== undefined);
  if (errors.some((x) => (x as Error | undefined)?.name === 'TimeoutError') || codes.some((c) => TIMEOUT_CODES.has(c))) {
    return new ConnectorError('CONN_TIMEOUT', `P6 at ${origin} did not answer within ${timeoutMs} ms; check that P6 Web Services is up, then try again`, { cause: e });
  }
  const tls = codes.find((c) => TLS_TRUST_CODES.has(c));
  if (tls) {
    return new ConnectorError(
      'CONN_TLS_UNTRUSTED',
      `The TLS certificate of ${origin} is not trusted (${tls}); add its CA file or pin its SHA-256 fingerprint for this endpoint`,
      { cause: e },
    );
  }
  const code = codes.find((c) => c !== 'UND_ERR_SOCKET') ?? codes[0];
  return new ConnectorError(
    'CONN_UNREACHABLE',
    `Cannot reach P6 at ${origin}${code ? ` (${code})` : ''}; check the URL, the port and that P6 Web Services is running`,
    { cause: e },
  );
}
