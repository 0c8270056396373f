/**
 * Base class of every expected failure raised by `connectors` (STYLE.md §8).
 * The message is one line, says what to do next and never carries a secret, a cookie
 * or a response body that might echo one.
 */
export class ConnectorError extends Error {
  override readonly name: string = 'ConnectorError';

  constructor(
    /** Stable, e.g. `CONN_LOGIN_FAILED`; children and the broker branch on it. */
    readonly code: ConnectorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The only form that may cross a process boundary. */
  toWire(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Every connector error code. Add here, never inline elsewhere. */
export type ConnectorErrorCode =
  | 'CONN_LOGIN_FAILED' // upstream rejected the credentials (never retried: P6 locks accounts)
  | 'CONN_UNREACHABLE' // DNS, TCP, TLS handshake or timeout
  | 'CONN_TLS_FINGERPRINT' // the server's certificate does not match the pinned SHA-256
  | 'CONN_TLS_UNTRUSTED' // certificate chain or name check failed
  | 'CONN_TIMEOUT' // the upstream did not answer in time
  | 'CONN_NOT_AUTHENTICATED' // session expired or was revoked: renew and retry once
  | 'CONN_BAD_RESPONSE' // not the protocol we expected (HTML login page, bad XML, wrong content type)
  | 'CONN_FAULT' // a well-formed SOAP fault or REST error that is not one of the above
  | 'CONN_INVALID_REQUEST'; // refused before any network I/O (bad path, bad argument)

export const isConnectorError = (e: unknown): e is ConnectorError =>
  typeof (e as ConnectorError | undefined)?.code === 'string' && (e as ConnectorError).code.startsWith('CONN_');
