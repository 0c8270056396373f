import { CredentialMeta } from '../base/contracts/config.js';
import { buildEndpoint, type EndpointDraft as BuiltEndpoint } from '../base/kinds/build-endpoint.js';
import { EndpointInputError } from '../base/kinds/endpoint-input-error.js';
import type { KindDescriptor, KindField } from '../base/kinds/kind-descriptor.js';
import { allKinds, kindOf } from '../base/kinds/registry.js';
import { formatDuration, parseDuration } from '../base/duration.js';
import { readCaFile } from '../platform/config/read-ca-file.js';
import { usageError } from './cli-error.js';

/** The option values of `endpoint add`, as parsed from argv: the common ones and the kind's own flags. */
export type EndpointAddValues = Readonly<Record<string, string | boolean | undefined>>;

/** A validated endpoint ready to save, plus its credential's settings. */
export interface EndpointDraft extends BuiltEndpoint {
  /** Only when `--ttl` was given: an existing shared credential otherwise keeps its TTL. */
  readonly ttlSeconds?: number;
}

/** The options every `endpoint add KIND` takes, whatever the kind. */
export const COMMON_ADD_OPTIONS = {
  url: { type: 'string' },
  user: { type: 'string' },
  domain: { type: 'string' },
  fingerprint: { type: 'string' },
  ca: { type: 'string' },
  'read-only': { type: 'boolean' },
  ttl: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'no-verify': { type: 'boolean' },
} as const;

/** The `--flag VALUE` of a kind field in a usage line: required bare, optional in brackets. */
export function fieldUsage(f: KindField): string {
  const flag = `--${f.flag} ${f.choices ? f.choices.join('|') : f.metavar}`;
  return f.required !== undefined ? flag : `[${flag}]`;
}

/** The usage line of `endpoint add KIND`, derived from the kind's descriptor. */
export function endpointAddUsage(kind: KindDescriptor): string {
  const own = kind.fields.map((f) => ` ${fieldUsage(f)}`).join('');
  return `keybroker endpoint add ${kind.id} NAME --url URL --user U${own} [--domain D] [--fingerprint SHA256] [--ca FILE] [--read-only] [--ttl 4h] [--no-verify] --password-stdin`;
}

/** One usage line per registered kind. */
export function endpointAddUsages(): string[] {
  return allKinds().map(endpointAddUsage);
}

/** The argv options of `endpoint add KIND`: the common ones and the kind's own flags. */
export function endpointAddOptions(kind: KindDescriptor): Record<string, { type: 'string' | 'boolean' }> {
  return { ...COMMON_ADD_OPTIONS, ...Object.fromEntries(kind.fields.map((f) => [f.flag, { type: 'string' as const }])) };
}

/** How the CLI names each builder input in messages: its flag (`NAME` for the name). */
function flagOf(kind: KindDescriptor, field: string): string {
  const common: Record<string, string> = { id: 'NAME', url: '--url', username: '--user', domain: '--domain', fingerprint: '--fingerprint', caFile: '--ca' };
  const own = kind.fields.find((f) => f.key === field);
  return common[field] ?? (own ? `--${own.flag}` : field);
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
 * Turn `endpoint add` arguments into an Endpoint with the shared endpoint builder
 * (base/kinds/build-endpoint.ts, also used by the settings window). Every failure is a
 * usage error (exit 2) naming the flag.
 */
export function buildEndpointDraft(kindId: string, name: string, v: EndpointAddValues, cwd?: string): EndpointDraft {
  const kind = kindOf(kindId);
  const str = (key: string): string | undefined => (typeof v[key] === 'string' ? (v[key] as string) : undefined);
  let built: BuiltEndpoint;
  try {
    built = buildEndpoint({
      kind: kind.id,
      id: name,
      url: str('url'),
      username: str('user'),
      fields: Object.fromEntries(kind.fields.map((f) => [f.key, str(f.flag)])),
      domain: str('domain'),
      fingerprint: str('fingerprint'),
      caFile: str('ca'),
      readOnly: v['read-only'] === true,
    }, { nameOf: (field) => flagOf(kind, field), checkCaFile: (file) => readCaFile(file, cwd) });
  } catch (e) {
    if (e instanceof EndpointInputError) throw usageError(e.message);
    throw e;
  }
  const ttl = str('ttl');
  return { ...built, ...(ttl !== undefined ? { ttlSeconds: parseTtl(ttl) } : {}) };
}
