/** Hosts where plain http is allowed: the traffic never leaves this machine (SSH tunnels, local fakes). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for `localhost`, `127.0.0.1` and `[::1]` (as `URL.hostname` spells them). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/** Outcome of `normalizeEndpointUrl`: the URL to store, or why the input was refused. */
export type EndpointUrlResult = { readonly ok: true; readonly url: string; readonly hostname: string } | { readonly ok: false; readonly message: string };

/**
 * Check and normalise an endpoint URL as typed by the user.
 *
 * - https only; http only for a loopback host, where there is no network to sniff.
 * - No `user:password@`, query or fragment: config.json holds no secret, and the connectors
 *   append their own paths.
 * - No path (or only `/`s) means `defaultApiPath` (the kind's, from its descriptor); trailing `/`s are dropped.
 */
export function normalizeEndpointUrl(defaultApiPath: string, raw: string): EndpointUrlResult {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'is not a URL; use e.g. https://vc1.corp.example' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    // Security: the password travels to this URL at login; plain http would expose it.
    return { ok: false, message: 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])' };
  }
  // Security: credentials in the URL would land in config.json and in logs.
  if (url.username || url.password) return { ok: false, message: 'must not contain a user name or password; use --user and --password-stdin' };
  // The text, not url.search/url.hash: an empty `?` or `#` leaves those empty, and the parser
  // takes a query or fragment only after a literal `?` or `#`.
  if (raw.includes('?') || raw.includes('#')) return { ok: false, message: 'must not contain a query (?) or fragment (#)' };
  // A path of slashes only (`https://vc//`) is no path either: the default, not `/`.
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path === '' ? defaultApiPath : path;
  return { ok: true, url: url.toString(), hostname: url.hostname.toLowerCase() };
}

/** True when `hostname` is `domain` or a name under it (`vc1.corp.example` in `corp.example`). */
export function isHostInDomain(hostname: string, domain: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const d = domain.toLowerCase();
  return host === d || host.endsWith(`.${d}`);
}

/** The keychain account / credential id of an endpoint's own credential. */
export const endpointCredentialId = (name: string): string => `endpoint:${name}`;
/** The keychain account / credential id shared by every endpoint in `domain`. */
export const domainCredentialId = (domain: string): string => `domain:${domain}`;
