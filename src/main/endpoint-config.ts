import path from 'node:path';
import { DEFAULT_TTL_SECONDS, type Config } from '../base/contracts/config.js';
import type { Endpoint } from '../base/contracts/endpoint.js';
import type { EndpointForm, EndpointSummary } from '../base/contracts/ipc-channels.js';
import { BugError } from '../base/errors/core-error.js';
import { buildEndpoint, type EndpointDraft } from '../base/kinds/build-endpoint.js';
import { EndpointInputError } from '../base/kinds/endpoint-input-error.js';
import { findKind, kindFieldValues } from '../base/kinds/registry.js';
import { readCaFile } from '../platform/config/read-ca-file.js';
import { SettingsInputError } from './settings-input-error.js';

/** How the settings form labels each builder input (the kind's own fields bring their labels). */
const LABELS: Readonly<Record<string, string>> = { id: 'Name', url: 'URL', username: 'Username', domain: 'Domain', fingerprint: 'Certificate fingerprint', caFile: 'CA file' };

/**
 * The endpoint a settings form describes, built by the same builder as `keybroker endpoint
 * add` (base/kinds/build-endpoint.ts): URL checks, domain credential, CA file, fingerprint
 * and the kind's own fields (P6 database and login variant).
 */
export function draftFromForm(form: EndpointForm): EndpointDraft {
  const kind = findKind(form.kind);
  if (!kind) throw new SettingsInputError(`unknown kind ${form.kind}; choose one from the list`);
  try {
    return buildEndpoint({
      kind: kind.id,
      id: form.id,
      url: form.url,
      username: form.username,
      ...(form.fields ? { fields: form.fields } : {}),
      ...(form.domain ? { domain: form.domain } : {}),
      ...(form.fingerprintSha256 ? { fingerprint: form.fingerprintSha256 } : {}),
      ...(form.caFile ? { caFile: form.caFile } : {}),
      readOnly: form.readOnly,
    }, {
      // Security: `field` may be a key the renderer sent (`constructor`); only LABELS' own keys are labels.
      nameOf: (field) => (Object.hasOwn(LABELS, field) ? LABELS[field] : undefined) ?? kind.fields.find((f) => f.key === field)?.label ?? field,
      // The app has no working directory the user knows of, so only a full path means a file.
      checkCaFile: (file) => (path.isAbsolute(file) ? readCaFile(file) : { ok: false, message: `${file} is not a full path; give the full path of a PEM certificate file` }),
    });
  } catch (e) {
    if (e instanceof EndpointInputError) throw new SettingsInputError(e.message);
    throw e;
  }
}

/** The endpoint a settings form describes (see draftFromForm). */
export function endpointFromForm(form: EndpointForm): Endpoint {
  return draftFromForm(form).endpoint;
}

/** The config with `form` added (`mode: 'add'`) or replacing the endpoint of the same id. */
export function applyEndpointForm(config: Config, form: EndpointForm, mode: 'add' | 'edit'): Config {
  const { endpoint, domain } = draftFromForm(form);
  const existing = config.endpoints.find((e) => e.id.toLowerCase() === form.id.toLowerCase());
  if (mode === 'add' && existing) throw new SettingsInputError(`endpoint ${form.id} already exists; edit it instead`);
  if (mode === 'edit' && !existing) throw new SettingsInputError(`endpoint ${form.id} does not exist; add it first`);
  // Security: moving an endpoint to another credential would leave the old one's unlock and
  // keychain item behind; as in `keybroker endpoint update`, the domain is fixed once added.
  if (existing && existing.credential !== endpoint.credential) throw new SettingsInputError(`the domain of ${form.id} cannot change; remove the endpoint and add it again with the new domain`);
  const endpoints = mode === 'add' ? [...config.endpoints, endpoint] : config.endpoints.map((e) => (e === existing ? endpoint : e));
  const credential = endpoint.credential;
  const others = config.credentials.filter((c) => c.id !== credential);
  const previous = config.credentials.find((c) => c.id === credential);
  return { ...config, endpoints, credentials: [...others, { ...previous, id: credential, ...(domain ? { domain } : {}), ttlSeconds: form.ttlSeconds }] };
}

/** The config without endpoint `id` (and its own credential when nothing else uses it). */
export function removeEndpoint(config: Config, id: string): { config: Config; credential: string | undefined } {
  const target = config.endpoints.find((e) => e.id === id);
  if (!target) throw new SettingsInputError(`endpoint ${id} does not exist`);
  const endpoints = config.endpoints.filter((e) => e !== target);
  const stillUsed = endpoints.some((e) => e.credential === target.credential);
  const credentials = stillUsed ? config.credentials : config.credentials.filter((c) => c.id !== target.credential);
  return { config: { ...config, endpoints, credentials }, credential: stillUsed ? undefined : target.credential };
}

/** What the settings window lists: never a password. */
export function endpointSummaries(config: Config): EndpointSummary[] {
  return config.endpoints.map((e) => {
    const credential = config.credentials.find((c) => c.id === e.credential);
    if (!e.url) throw new BugError(`endpoint ${e.id} has no URL`);
    const fields = kindFieldValues(e);
    return {
      id: e.id, kind: e.kind, url: e.url, username: e.username, readOnly: e.readOnly, ttlSeconds: credential?.ttlSeconds ?? DEFAULT_TTL_SECONDS,
      ...(Object.keys(fields).length ? { fields } : {}),
      ...(credential?.domain ? { domain: credential.domain } : {}),
      ...(e.tls.caFile ? { caFile: e.tls.caFile } : {}),
      ...(e.tls.fingerprintSha256 ? { fingerprintSha256: e.tls.fingerprintSha256 } : {}),
    };
  });
}
