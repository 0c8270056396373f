import type { z } from 'zod';
import { domainCredentialId, endpointCredentialId, isHostInDomain, normalizeEndpointUrl } from '../contracts/endpoint-url.js';
import { FingerprintSha256 } from '../contracts/fingerprint.js';
import { hasUnsafeText } from '../sanitize-text.js';
import { firstIssue } from '../contracts/format-issue.js';
import { DomainName, EndpointName } from '../contracts/names.js';
import { EndpointInputError } from './endpoint-input-error.js';
import { EndpointSchema, kindOf, type Endpoint } from './registry.js';

/** The inputs of an endpoint as the user types them, in the CLI or in the settings form. */
export interface EndpointInput {
  /** A registered kind (check with `findKind` first: an unknown one is a BugError here). */
  readonly kind: string;
  readonly id: string;
  readonly url?: string;
  readonly username?: string;
  /** The kind's own fields by `KindField.key` (`database`, `loginVariant`); empty means not given. */
  readonly fields?: Readonly<Record<string, string | undefined>>;
  /** Share the credential of this DNS domain (`corp.example`) instead of an own one. */
  readonly domain?: string;
  readonly fingerprint?: string;
  /** Path of a PEM CA file to trust for this endpoint. */
  readonly caFile?: string;
  readonly readOnly?: boolean;
}

/** What the builder needs from its caller. */
export interface BuildEndpointOptions {
  /**
   * How an input is called in messages: `--url` / `NAME` / `--database` in the CLI, `URL` /
   * `Name` / `P6 database` in the settings window. Called with `id`, `url`, `username`,
   * `domain`, `fingerprint`, `caFile` or a kind field's key.
   */
  readonly nameOf: (field: string) => string;
  /**
   * Check a CA file and return the (absolute) path to store, or why it was refused, the
   * message starting with the path (platform/config/read-ca-file.ts; reading needs Node).
   */
  readonly checkCaFile: (file: string) => { readonly ok: true; readonly path: string } | { readonly ok: false; readonly message: string };
}

/** The inputs every kind has, as `nameOf` receives them (besides the kind's own field keys). */
const COMMON_INPUTS: readonly string[] = ['id', 'url', 'username', 'domain', 'fingerprint', 'caFile'];

/** A validated endpoint ready to save, and the domain whose credential it shares, if any. */
export interface EndpointDraft {
  readonly endpoint: Endpoint;
  readonly domain?: string;
}

/**
 * The one endpoint builder (issue 13 item 6) of the CLI (`endpoint add/update`) and the
 * settings window: URL checks and the kind's default path, domain credential, CA file,
 * fingerprint pin, and the kind's own fields (P6 database and login variant) from its
 * descriptor, all checked against the kind's endpoint schema. Throws EndpointInputError
 * naming the input.
 */
export function buildEndpoint(input: EndpointInput, options: BuildEndpointOptions): EndpointDraft {
  const kind = kindOf(input.kind);
  const n = options.nameOf;
  const fail = (field: string, message: string): never => {
    throw new EndpointInputError(field, message);
  };
  const parseOr = <T>(schema: z.ZodType<T>, value: unknown, field: string): T => {
    const r = schema.safeParse(value);
    return r.success ? r.data : fail(field, `${n(field)}: ${firstIssue(r.error).message}`);
  };
  const id = parseOr(EndpointName, input.id, 'id');
  if (!input.url) fail('url', `missing ${n('url')}; e.g. ${kind.urlExample}`);
  // Trimmed as the kind's own fields are: a space pasted around a user name is never part of it
  // (vCenter and P6 only answered "rejected the username or password", with the space unseen).
  const username = input.username?.trim();
  if (!username) fail('username', `missing ${n('username')}; give the upstream user name`);
  // A control, line-break or invisible character (a terminal escape pasted along, a zero-width
  // space) is never part of a user name either: it would be sent upstream and shown as � (D147).
  if (hasUnsafeText(username!)) fail('username', `${n('username')} holds a control, line-break or invisible character; type the user name itself`);
  for (const [key, value] of Object.entries(input.fields ?? {})) {
    if (value?.trim() && !kind.fields.some((f) => f.key === key)) fail(key, `${n(key)} does not apply to ${kind.title} endpoints; leave it out`);
  }
  const given: Record<string, string> = {};
  for (const f of kind.fields) {
    const v = input.fields?.[f.key]?.trim();
    if (v) given[f.key] = v;
    else if (f.required !== undefined) fail(f.key, `missing ${n(f.key)}; ${f.required}`);
  }

  const url = normalizeEndpointUrl(kind.defaultApiPath, input.url!);
  if (!url.ok) return fail('url', `${n('url')} ${url.message}`);
  const fingerprintSha256 = input.fingerprint ? parseOr(FingerprintSha256, input.fingerprint, 'fingerprint') : undefined;
  let caFile: string | undefined;
  if (input.caFile) {
    const ca = options.checkCaFile(input.caFile);
    caFile = ca.ok ? ca.path : fail('caFile', `${n('caFile')} ${ca.message}`);
  }
  if ((fingerprintSha256 || caFile) && !url.url.startsWith('https:')) fail(fingerprintSha256 ? 'fingerprint' : 'caFile', `${n('fingerprint')} and ${n('caFile')} need an https URL`);

  let domain: string | undefined;
  if (input.domain) {
    domain = parseOr(DomainName, input.domain, 'domain');
    // Security: a domain credential is released to every endpoint in the domain, so an
    // endpoint outside it must not be able to claim it.
    if (!isHostInDomain(url.hostname, domain)) fail('url', `${n('url')} host ${url.hostname} is not inside ${n('domain')} ${domain}; use an endpoint of that domain or drop ${n('domain')}`);
  }

  const candidate = {
    id,
    kind: kind.id,
    url: url.url,
    username: username!,
    tls: { verify: true as const, ...(caFile ? { caFile } : {}), ...(fingerprintSha256 ? { fingerprintSha256 } : {}) },
    readOnly: input.readOnly === true,
    credential: domain ? domainCredentialId(domain) : endpointCredentialId(id),
    ...given,
  };
  const checked = EndpointSchema.safeParse(candidate);
  if (!checked.success) {
    const { path, message } = firstIssue(checked.error);
    const field = path.split(/[.[]/)[0] ?? '';
    const named = COMMON_INPUTS.includes(field) || kind.fields.some((f) => f.key === field);
    fail(field, `${named ? n(field) : path}: ${message}`);
  }
  return { endpoint: checked.data!, ...(domain ? { domain } : {}) };
}
