import type { P6LoginVariant } from '../../../base/contracts/endpoint.js';
import { ConnectorError } from '../../connector-error.js';

/** Visible ASCII with inner spaces: what survives an HTTP header unchanged (edges would be trimmed). */
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * The credential headers of `POST /login` for one variant (reference §2.1):
 * `headers` sends `username` + `password`, `authToken` sends base64("user:pass"),
 * `both` sends all three. Refuses, without echoing them, credentials a variant
 * cannot carry intact, so a mangled password never costs a lockout attempt.
 */
export function p6LoginHeaders(variant: P6LoginVariant, username: string, password: string): Record<string, string> {
  if (username === '' || password === '') {
    throw new ConnectorError('CONN_INVALID_REQUEST', 'The P6 username or password is empty; store both for this endpoint');
  }
  const headers: Record<string, string> = {};
  if (variant === 'headers' || variant === 'both') {
    // Security: checked here so undici never builds an error around a password header value.
    if (!HEADER_SAFE.test(username) || !HEADER_SAFE.test(password)) {
      throw new ConnectorError(
        'CONN_INVALID_REQUEST',
        'The P6 username or password has characters plain HTTP headers cannot carry (non-ASCII, or spaces at either end); use the authToken login variant',
      );
    }
    headers['username'] = username;
    headers['password'] = password;
  }
  if (variant === 'authToken' || variant === 'both') {
    // P6 splits the token at the first colon, so a colon in the username would shift it into the password.
    if (username.includes(':')) {
      throw new ConnectorError('CONN_INVALID_REQUEST', "A P6 username containing ':' cannot be sent as an authToken; use the headers login variant");
    }
    headers['authToken'] = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  }
  return headers;
}
