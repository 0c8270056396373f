import type { z } from 'zod';
import { CredentialMeta } from '../base/contracts/config.js';
import { Endpoint, P6LoginVariant } from '../base/contracts/endpoint.js';
import { domainCredentialId, endpointCredentialId, isHostInDomain, normalizeEndpointUrl } from '../base/contracts/endpoint-url.js';
import { FingerprintSha256 } from '../base/contracts/fingerprint.js';
import { firstIssue } from '../base/contracts/format-issue.js';
import { DomainName, EndpointName } from '../base/contracts/names.js';
import { kindOf, type EndpointKind } from '../base/kinds/registry.js';
import { formatDuration, parseDuration } from '../base/duration.js';
import { usageError } from './cli-error.js';
import { readCaFile } from '../platform/config/read-ca-file.js';

/** The option values of `endpoint add`, as parsed from argv. */
export interface EndpointAddValues {
  readonly url?: string;
  readonly user?: string;
  readonly database?: string;
  readonly 'login-variant'?: string;
  readonly domain?: string;
  readonly fingerprint?: string;
  readonly ca?: string;
  readonly 'read-only'?: boolean;
  readonly ttl?: string;
}

/** A validated endpoint ready to save, plus its credential's settings. */
export interface EndpointDraft {
  readonly endpoint: Endpoint;
  /** Set when the credential is shared by a DNS domain. */
  readonly domain?: string;
  /** Only when `--ttl` was given: an existing shared credential otherwise keeps its TTL. */
  readonly ttlSeconds?: number;
}

/** Which flag to blame for a field the zod contract rejected. */
const FLAG_OF: Record<string, string> = { id: 'NAME', url: '--url', username: '--user', database: '--database', loginVariant: '--login-variant' };

function parseOr<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw usageError(`${flag}: ${firstIssue(r.error).message}`);
  return r.data;
}

function parseTtl(text: string): number {
  const ttl = CredentialMeta.shape.ttlSeconds.unwrap();
  const seconds = parseDuration(text);
  const min = ttl.minValue ?? 1;
  const max = ttl.maxValue ?? Number.MAX_SAFE_INTEGER;
  if (seconds === undefined) throw usageError(`--ttl ${JSON.stringify(text)} is not a duration; use e.g. 4h, 30m, 90s or 1h30m`);
  if (seconds < min || seconds > max) throw usageError(`--ttl ${text} is out of range; use between ${formatDuration(min)} and ${formatDuration(max)}`);
  return seconds;
}

/**
 * Turn `endpoint add` arguments into an Endpoint, checking every value against the
 * contracts in base. Every failure is a usage error (exit 2) naming the flag.
 */
export function buildEndpointDraft(kind: EndpointKind, name: string, v: EndpointAddValues, cwd?: string): EndpointDraft {
  const id = parseOr(EndpointName, name, 'NAME');
  if (!v.url) throw usageError('missing --url; e.g. --url https://vc1.corp.example');
  if (!v.user) throw usageError('missing --user; give the upstream user name');
  if (kind === 'p6' && !v.database) throw usageError('missing --database; give the P6 database alias (see the P6 login page)');

  const url = normalizeEndpointUrl(kindOf(kind).defaultApiPath, v.url);
  if (!url.ok) throw usageError(`--url ${url.message}`);
  const fingerprintSha256 = v.fingerprint === undefined ? undefined : parseOr(FingerprintSha256, v.fingerprint, '--fingerprint');
  const caFile = v.ca === undefined ? undefined : readCaFile(v.ca, cwd);
  if ((fingerprintSha256 || caFile) && !url.url.startsWith('https:')) throw usageError('--fingerprint and --ca need an https URL');

  let domain: string | undefined;
  if (v.domain !== undefined) {
    domain = parseOr(DomainName, v.domain, '--domain');
    // Security: a domain credential is released to every endpoint in the domain, so an
    // endpoint outside it must not be able to claim it.
    if (!isHostInDomain(url.hostname, domain)) throw usageError(`--url host ${url.hostname} is not inside --domain ${domain}; use an endpoint of that domain or drop --domain`);
  }
  const ttlSeconds = v.ttl === undefined ? undefined : parseTtl(v.ttl);
  const loginVariant = v['login-variant'] === undefined ? undefined : parseOr(P6LoginVariant, v['login-variant'], '--login-variant');

  const base = {
    id,
    url: url.url,
    username: v.user,
    tls: { verify: true as const, ...(caFile ? { caFile } : {}), ...(fingerprintSha256 ? { fingerprintSha256 } : {}) },
    readOnly: v['read-only'] === true,
    credential: domain ? domainCredentialId(domain) : endpointCredentialId(id),
  };
  const candidate = kind === 'p6' ? { ...base, kind, database: v.database, loginVariant: loginVariant ?? 'headers' } : { ...base, kind };
  const checked = Endpoint.safeParse(candidate);
  if (!checked.success) {
    const { path, message } = firstIssue(checked.error);
    throw usageError(`${FLAG_OF[path.split(/[.[]/)[0] ?? ''] ?? path}: ${message}`);
  }
  return { endpoint: checked.data, ...(domain ? { domain } : {}), ...(ttlSeconds !== undefined ? { ttlSeconds } : {}) };
}
