import { MAX_UNLOCK_HOSTS } from './contracts/approval.js';
import type { Config } from './contracts/config.js';
import { sanitizeText } from './sanitize-text.js';

/** Longest host a person is shown; a DNS name is at most 253, plus a port. */
const MAX_HOST_CHARS = 260;

/**
 * The host an endpoint URL logs in to, as a person reads it: `vcenter-prod-01.corp.example.com`,
 * `127.0.0.1:8443` (the port only when it is not the scheme's default). Security: the WHATWG
 * parser lower-cases the name and turns an international one into punycode (`xn--…`), so a
 * look-alike letter cannot pass for the real host; the sanitizer is a second guard for the
 * prompt. A URL that does not parse (config.json refuses one) is shown as its sanitized text.
 */
export function upstreamHost(url: string): string {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    host = url;
  }
  return sanitizeText(host, { maxChars: MAX_HOST_CHARS }) || '(no host)';
}

/** Where a credential's password goes during one unlock. */
export interface UnlockHosts {
  /** The requesting endpoint's host first, then the others, each once, at most MAX_UNLOCK_HOSTS. */
  readonly hosts: string[];
  /** How many more distinct hosts use the credential; absent when none. */
  readonly moreHosts?: number;
  /** Every distinct host that uses the credential (uncapped): what an approval covers. */
  readonly all: ReadonlySet<string>;
}

/** The fields of an endpoint the hosts are read from. */
type HostOf = Pick<Config['endpoints'][number], 'id' | 'url' | 'credential'>;

/**
 * The upstream hosts `endpoint`'s credential logs in to under `config`: `endpoint` itself
 * first (the one the login is about to use), then every other endpoint that shares the
 * credential (a domain credential unlocks all of them at once), so the person sees every
 * server one "allow" sends the password to (Y7-bindpw).
 */
export function unlockHosts(config: Pick<Config, 'endpoints'>, endpoint: HostOf): UnlockHosts {
  const others = config.endpoints.filter((e) => e.credential === endpoint.credential && e.id !== endpoint.id);
  const ordered = [endpoint, ...others].map((e) => upstreamHost(e.url));
  const all = new Set(ordered);
  const hosts = [...all].slice(0, MAX_UNLOCK_HOSTS);
  const more = all.size - hosts.length;
  return { hosts, ...(more > 0 && { moreHosts: more }), all };
}
