import type { ServerResponse } from 'node:http';

/** Methods the Streamable HTTP endpoint serves, plus the preflight itself. */
export const MCP_HTTP_METHODS = 'GET, POST, DELETE, OPTIONS';

/** Response headers a browser client must be able to read: the session id above all. */
const EXPOSED = 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate, Retry-After';

/** How long a browser may cache a preflight answer, in seconds: short, so a revoked origin stops soon. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS headers for a request whose Origin passed the allow-list: `allowOrigin` is either
 * that origin, echoed, or `*` when the allow-list is a wildcard.
 *
 * Security: Access-Control-Allow-Credentials is never sent, with `*` or without. The API
 * key travels in an explicit header, not in cookies or browser-managed auth, so browsers
 * need no credentialed mode, and a wildcard with credentials would let any site ride on
 * whatever ambient credentials a browser holds for this origin.
 */
export function applyCorsHeaders(res: ServerResponse, allowOrigin: string): void {
  res.setHeader('Access-Control-Allow-Origin', allowOrigin);
  res.setHeader('Access-Control-Expose-Headers', EXPOSED);
}

/** The extra headers of a preflight answer for an allowed origin. */
export function applyPreflightHeaders(res: ServerResponse, apiKeyHeader: string): void {
  res.setHeader('Access-Control-Allow-Methods', MCP_HTTP_METHODS);
  res.setHeader(
    'Access-Control-Allow-Headers',
    ['Content-Type', 'Accept', 'Authorization', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Last-Event-ID', apiKeyHeader].join(', '),
  );
  res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
}
