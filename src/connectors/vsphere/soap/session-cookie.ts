import { ConnectorError } from '../../connector-error.js';

/** Name of the vim25 session cookie (reference §3). */
export const SESSION_COOKIE_NAME = 'vmware_soap_session';

/**
 * The `vmware_soap_session` value from Set-Cookie headers, exactly as received: real
 * vCenter quotes it (`"52c4…"`), vcsim does not, and the server expects it back unchanged.
 */
export function readSessionCookie(setCookie: readonly string[]): string | undefined {
  for (const header of setCookie) {
    const pair = header.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== SESSION_COOKIE_NAME) continue;
    const value = pair.slice(eq + 1).trim();
    if (value !== '' && value !== '""') return value;
  }
  return undefined;
}

/** RFC 6265 cookie-value: cookie-octets, optionally in double quotes. */
const COOKIE_VALUE = /^(?:"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*"|[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+)$/;

/**
 * The Cookie header that presents `cookie` (a value from readSessionCookie).
 *
 * @throws ConnectorError `CONN_INVALID_REQUEST` when the value is not a cookie value.
 */
export function sessionCookieHeader(cookie: string): string {
  // Security: a value with `;`, spaces or line breaks could smuggle other cookies or headers.
  // The message never repeats the value: it is a session secret.
  if (!COOKIE_VALUE.test(cookie)) throw new ConnectorError('CONN_INVALID_REQUEST', 'the vCenter session cookie is malformed; log in again');
  return `${SESSION_COOKIE_NAME}=${cookie}`;
}
