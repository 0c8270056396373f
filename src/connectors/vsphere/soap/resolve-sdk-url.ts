import { ConnectorError } from '../../connector-error.js';

/**
 * The SDK URL for an endpoint URL: `https://vc` and `https://vc/` mean `https://vc/sdk`.
 *
 * @throws ConnectorError `CONN_INVALID_REQUEST` before any network I/O when the URL is
 * unusable: not a URL, not https, or carrying credentials.
 */
export function resolveSdkUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConnectorError('CONN_INVALID_REQUEST', 'the vCenter URL is not a valid URL; give it as https://host/sdk');
  }
  // Security: passwords and session cookies never travel in clear text.
  if (parsed.protocol !== 'https:') {
    throw new ConnectorError('CONN_INVALID_REQUEST', `refusing ${parsed.protocol}// for vCenter ${parsed.host}; use https://${parsed.host}/sdk`);
  }
  // Security: credentials belong in the keychain, never in a URL that ends up in logs. The
  // message does not repeat the URL because it contains them.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new ConnectorError('CONN_INVALID_REQUEST', 'the vCenter URL contains a username or password; remove them and use the keychain credential');
  }
  if (parsed.pathname === '/') parsed.pathname = '/sdk'; // An https URL's path is never empty.
  parsed.hash = '';
  return parsed;
}
