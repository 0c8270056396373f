import type { IncomingHttpHeaders } from 'node:http';

/** The only hosts the front door answers to: it listens on 127.0.0.1 and nowhere else. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'] as const;

/**
 * True when the Host header names this loopback listener exactly: `127.0.0.1:PORT` or
 * `localhost:PORT`.
 *
 * Security: DNS rebinding. A web page can point its own host name at 127.0.0.1 and then
 * reach us from the browser; such requests carry the page's host name here, so anything
 * but our loopback names (with our port) is refused.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const lower = host.toLowerCase();
  return LOOPBACK_NAMES.some((name) => lower === `${name}:${port}`);
}

/**
 * The canonical form (`https://app.example:8443`) of a web origin given as text, or undefined
 * when it is not a plain http(s) origin: the `null` origin, `file:` and other opaque
 * schemes, or anything with a path, query, fragment or user info.
 * One trailing slash is tolerated, since people paste origins as `https://app.example/`.
 */
export function canonicalOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const given = value.toLowerCase().replace(/\/$/, '');
  return given === url.origin ? url.origin : undefined;
}

/** What the Origin check decided; `allowOrigin` is what to send as Access-Control-Allow-Origin. */
export type OriginDecision =
  | { readonly ok: true; readonly allowOrigin?: string }
  | { readonly ok: false; readonly reason: 'null_origin' | 'bad_origin' };

/**
 * Check a request's Origin header against `http.corsOrigins`. No Origin (curl, the SDK in
 * Node) is fine: only browsers send one, and they are what the allow-list is about.
 *
 * Security: the literal `null` Origin (sandboxed iframes, `file:` pages, some redirects) is
 * refused even under `*`: it names no one, so nothing can be allowed for it.
 */
export function checkOrigin(origin: string | undefined, allowList: readonly string[]): OriginDecision {
  if (origin === undefined) return { ok: true };
  if (origin.trim().toLowerCase() === 'null') return { ok: false, reason: 'null_origin' };
  if (allowList.includes('*')) return { ok: true, allowOrigin: '*' };
  const canonical = canonicalOrigin(origin);
  // A browser sends the canonical form; anything else is hand-made and gets no benefit of the doubt.
  if (canonical !== origin.toLowerCase()) return { ok: false, reason: 'bad_origin' }; // Also when undefined.
  const allowed = allowList.some((entry) => canonicalOrigin(entry) === canonical);
  return allowed ? { ok: true, allowOrigin: origin } : { ok: false, reason: 'bad_origin' };
}

/**
 * The API key a request presents: the configured header, else `Authorization: Bearer KEY`.
 * Undefined when neither is there (or is empty).
 */
export function presentedApiKey(headers: IncomingHttpHeaders, headerName: string): string | undefined {
  const custom = headers[headerName.toLowerCase()];
  if (typeof custom === 'string' && custom.length > 0) return custom;
  // Stryker disable next-line StringLiteral: any text that is not a Bearer value finds nothing, as '' does.
  const match = /^Bearer +(\S+) *$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/** `/mcp/<server>` (a query string is ignored) gives the server name; anything else is undefined. */
export function serverFromPath(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const path = url.split('?', 1)[0] as string; // split always gives at least one part.
  // The same shape as ServerName in the gateway handshake, so no odd string reaches the gateway or the audit log.
  return /^\/mcp\/([a-z0-9][a-z0-9-]{0,31})$/.exec(path)?.[1];
}
