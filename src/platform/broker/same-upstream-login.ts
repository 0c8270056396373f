import type { Endpoint } from '../../base/contracts/endpoint.js';
import { kindFieldValues } from '../../base/kinds/registry.js';

/**
 * True when a session logged in with `held` is still a session of `now`: same kind, URL,
 * user, credential, TLS settings and the kind's own fields (P6 database and login variant). Anything else means
 * the endpoint was changed under a live session, which must then end (issue 10 item 7):
 * a session for the old URL or user must not keep serving the new endpoint.
 * `readOnly` does not matter here; the gateway applies it per call.
 */
export function sameUpstreamLogin(held: Endpoint, now: Endpoint): boolean {
  return loginKey(held) === loginKey(now);
}

function loginKey(e: Endpoint): string {
  const tls = { verify: e.tls.verify, caFile: e.tls.caFile ?? null, fingerprintSha256: e.tls.fingerprintSha256?.replaceAll(':', '').toLowerCase() ?? null };
  // The kind's own fields (P6 database and login variant) are part of the login too.
  return JSON.stringify({ kind: e.kind, url: e.url, username: e.username, credential: e.credential, tls, ...kindFieldValues(e) });
}
