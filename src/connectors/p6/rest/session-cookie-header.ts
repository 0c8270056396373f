import { ConnectorError } from '../../connector-error.js';

/**
 * Check a `Cookie` header value from `p6Login` before sending it back.
 * Security: a CR or LF would let the value inject headers; the value itself is a
 * session secret, so the error never repeats it.
 */
export function sessionCookieHeader(cookieHeader: string): string {
  if (cookieHeader.trim() === '' || /[\r\n\0]/.test(cookieHeader)) {
    throw new ConnectorError('CONN_INVALID_REQUEST', 'The P6 session cookie is empty or malformed; log in again to get a new one');
  }
  return cookieHeader;
}
