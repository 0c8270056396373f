import type { ServerResponse } from 'node:http';
import type { AuditSink } from '../ports/audit-sink.js';

/**
 * Why the front door refused a request. These are the `code` of the `gateway.rejected`
 * audit line, so they are stable strings that `keybroker audit` users filter on.
 */
export type HttpRejectionReason =
  | 'bad_host'
  | 'null_origin'
  | 'bad_origin'
  | 'key_not_configured'
  | 'no_api_key'
  | 'bad_api_key'
  | 'rate_limited'
  | 'unauth_limited'
  | 'unknown_server'
  | 'method_not_allowed'
  | 'body_too_large'
  | 'bad_json'
  | 'session_required'
  | 'unknown_session'
  | 'session_mismatch'
  | 'too_many_sessions'
  | 'session_failed'
  | 'shutting_down';

interface RejectionText {
  readonly status: number;
  /** What the client reads. Fixed text: never a header value, never the key. */
  readonly message: string;
}

const TEXT: Readonly<Record<HttpRejectionReason, RejectionText>> = {
  bad_host: { status: 403, message: 'Host header not allowed; address the server as 127.0.0.1:PORT or localhost:PORT' },
  null_origin: { status: 403, message: 'the null Origin is never allowed; load the client from an http(s) origin listed in http.corsOrigins' },
  bad_origin: { status: 403, message: "Origin not allowed; add it with 'keybroker http enable --cors ORIGIN'" },
  key_not_configured: { status: 401, message: "no API key is set up; run 'keybroker http enable' on this machine" },
  no_api_key: { status: 401, message: 'missing API key; send it in the configured API key header or as Authorization: Bearer KEY' },
  bad_api_key: { status: 401, message: "wrong API key; use the key printed by 'keybroker http enable' or 'keybroker http rotate-key'" },
  rate_limited: { status: 429, message: 'too many requests; retry after the number of seconds in Retry-After' },
  unauth_limited: { status: 429, message: 'too many refused requests from this address; fix the Host, Origin or API key, then retry after Retry-After' },
  unknown_server: { status: 404, message: "no such MCP server; use /mcp/SERVER with a server listed by 'keybroker status'" },
  method_not_allowed: { status: 405, message: 'method not allowed; use POST, GET or DELETE' },
  body_too_large: { status: 413, message: 'request body too large; send smaller messages' },
  bad_json: { status: 400, message: 'Parse error: the body is not JSON' },
  session_required: { status: 400, message: 'Bad Request: Mcp-Session-Id header is required; send initialize first' },
  unknown_session: { status: 404, message: 'Session not found; start a new session with initialize' },
  // Deliberately the same answer as an unknown session: a client must not learn that the id exists elsewhere.
  session_mismatch: { status: 404, message: 'Session not found; start a new session with initialize' },
  too_many_sessions: { status: 503, message: 'too many open sessions; close unused sessions (HTTP DELETE) and retry' },
  session_failed: { status: 503, message: "the gateway could not open a session for this server; check 'keybroker status'" },
  shutting_down: { status: 503, message: 'KeyBroker is shutting down; retry once it runs again' },
};

/** Longest Host or Origin value copied into an audit reason. */
const MAX_DETAIL = 200;

/** Reasons answered 401: they tell the client how to authenticate. */
const UNAUTHORIZED: ReadonlySet<HttpRejectionReason> = new Set(['key_not_configured', 'no_api_key', 'bad_api_key']);

/**
 * Audit a refusal as `gateway.rejected`. `detail` is the offending Host or Origin, so the
 * user can tell what to allow.
 *
 * Security: never a credential. Callers pass fixed text or the Host/Origin headers,
 * never the presented or the stored API key.
 */
export function auditRejection(audit: AuditSink, reason: HttpRejectionReason, server?: string, detail?: string): void {
  audit.append({
    event: 'gateway.rejected',
    outcome: 'denied',
    code: reason,
    ...(server !== undefined ? { server } : {}),
    reason: detail === undefined ? 'http' : `http: ${detail.slice(0, MAX_DETAIL)}`,
  });
}

/**
 * Answer with the JSON-RPC error body the SDK's transport uses for its own HTTP errors
 * (`id: null`), so MCP clients surface the message. `headers` adds e.g. Retry-After.
 */
export function writeRejection(res: ServerResponse, reason: HttpRejectionReason, headers: Readonly<Record<string, string>> = {}): void {
  const { status, message } = TEXT[reason];
  const auth: Record<string, string> = UNAUTHORIZED.has(reason) ? { 'WWW-Authenticate': 'Bearer realm="keybroker"' } : {};
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code: status === 404 ? -32001 : -32000, message }, id: null });
  res.writeHead(status, { ...headers, ...auth, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}
