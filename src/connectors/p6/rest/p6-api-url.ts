import { ConnectorError } from '../../connector-error.js';

const USE = 'use the REST base, e.g. https://p6.example.com/p6ws/restapi';

/**
 * `<baseUrl>/<relPath>?<query>`, refused before any network I/O when the base is
 * not a plain http(s) URL. Query values go through URLSearchParams, never by hand
 * (reference §4: URL-encode with URLSearchParams).
 */
export function p6ApiUrl(baseUrl: string, relPath: string, query: Readonly<Record<string, string>> = {}): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch (e) {
    throw new ConnectorError('CONN_INVALID_REQUEST', `The P6 URL is not a valid URL; ${USE}`, { cause: e });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new ConnectorError('CONN_INVALID_REQUEST', `The P6 URL must start with https:// or http://; ${USE}`);
  }
  // Security: user:password@ in a URL ends up in logs and error messages; credentials travel only in headers.
  if (base.username !== '' || base.password !== '') {
    throw new ConnectorError('CONN_INVALID_REQUEST', `The P6 URL must not contain a username or password; ${USE}`);
  }
  if (base.search !== '' || base.hash !== '') {
    throw new ConnectorError('CONN_INVALID_REQUEST', `The P6 URL must not have a query or fragment; ${USE}`);
  }
  const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}/${relPath}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url;
}
