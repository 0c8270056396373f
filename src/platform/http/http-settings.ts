import { canonicalOrigin } from './request-checks.js';

/**
 * The port `keybroker http enable` uses when none is given. Fixed rather than free, because
 * clients store the URL; high and unassigned by IANA, so collisions are unlikely.
 */
export const DEFAULT_HTTP_PORT = 47100;

/** Ports a user may configure: unprivileged, and never 0 (a random port breaks stored URLs). */
export const MIN_HTTP_PORT = 1024;
/** Highest TCP port. */
export const MAX_HTTP_PORT = 65535;

/**
 * Headers that already mean something to the front door or to HTTP; carrying the API key in
 * one of them would be ambiguous (Authorization is read separately, as Bearer).
 */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'authorization', 'host', 'origin', 'cookie', 'content-type', 'content-length', 'accept', 'connection',
  'transfer-encoding', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'user-agent', 'referer',
]);

/** The URL a client uses for `server`. */
export function httpServerUrl(port: number, server: string): string {
  return `http://127.0.0.1:${port}/mcp/${server}`;
}

/** Why a user-given setting is refused; undefined when it is fine. Messages say what to write instead. */
export function checkHttpPort(port: number): string | undefined {
  if (!Number.isInteger(port) || port < MIN_HTTP_PORT || port > MAX_HTTP_PORT) {
    return `port must be a whole number from ${MIN_HTTP_PORT} to ${MAX_HTTP_PORT} (clients store the URL, so 0 is not allowed); default ${DEFAULT_HTTP_PORT}`;
  }
  return undefined;
}

/** The API key header name in lower case, or a reason it cannot be used. */
export function normalizeApiKeyHeader(name: string): { ok: true; header: string } | { ok: false; reason: string } {
  const header = name.toLowerCase();
  if (!/^[a-z0-9-]{1,64}$/.test(header)) return { ok: false, reason: `header name "${name}" must be 1-64 letters, digits or dashes, e.g. x-api-key` };
  if (RESERVED_HEADERS.has(header)) return { ok: false, reason: `"${header}" already has a meaning in HTTP or MCP; pick another name such as x-api-key` };
  return { ok: true, header };
}

/** A CORS allow-list entry in canonical form (`*` or `https://app.example`), or a reason it cannot be used. */
export function normalizeCorsOrigin(value: string): { ok: true; origin: string } | { ok: false; reason: string } {
  if (value === '*') return { ok: true, origin: '*' };
  const origin = canonicalOrigin(value);
  if (origin === undefined) {
    return { ok: false, reason: `"${value}" is not a web origin; write scheme://host[:port] such as https://app.example (no path; "null" is never allowed)` };
  }
  return { ok: true, origin };
}
