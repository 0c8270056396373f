import type { Endpoint } from '../../base/contracts/endpoint.js';

/**
 * True when a session logged in with `held` is still a session of `now`: same kind, URL,
 * user, credential, TLS settings and (P6) database and login variant. Anything else means
 * the endpoint was changed under a live session, which must then end (issue 10 item 7):
 * a session for the old URL or user must not keep serving the new endpoint.
 * `readOnly` does not matter here; the gateway applies it per call.
 */
export function sameUpstreamLogin(held: Endpoint, now: Endpoint): boolean {
  return loginKey(held) === loginKey(now);
}

function loginKey(e: Endpoint): string {
  const tls = { verify: e.tls.verify, caFile: e.tls.caFile ?? null, fingerprintSha256: e.tls.fingerprintSha256?.replaceAll(':', '').toLowerCase() ?? null };
  const p6 = e.kind === 'p6' ? { database: e.database, loginVariant: e.loginVariant } : {};
  return JSON.stringify({ kind: e.kind, url: e.url, username: e.username, credential: e.credential, tls, ...p6 });
}
