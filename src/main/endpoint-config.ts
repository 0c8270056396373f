import { kindOf } from '../base/kinds/registry.js';
import { DEFAULT_TTL_SECONDS, type Config } from '../base/contracts/config.js';
import type { Endpoint } from '../base/contracts/endpoint.js';
import { endpointCredentialId, normalizeEndpointUrl } from '../base/contracts/endpoint-url.js';
import type { EndpointForm, EndpointSummary } from '../base/contracts/ipc-channels.js';
import { BugError } from '../base/errors/core-error.js';
import { SettingsInputError } from './settings-input-error.js';

/** The endpoint a settings form describes (own credential per endpoint; domains stay in the CLI). */
export function endpointFromForm(form: EndpointForm): Endpoint {
  const url = normalizeEndpointUrl(kindOf(form.kind).defaultApiPath, form.url);
  if (!url.ok) throw new SettingsInputError(`URL ${url.message}`);
  const base = {
    id: form.id,
    url: url.url,
    username: form.username,
    tls: { verify: true as const, ...(form.fingerprintSha256 ? { fingerprintSha256: form.fingerprintSha256 } : {}) },
    readOnly: form.readOnly,
    credential: endpointCredentialId(form.id),
  };
  if (form.kind === 'p6') {
    if (!form.database) throw new SettingsInputError('a P6 endpoint needs its database name');
    return { ...base, kind: 'p6', database: form.database, loginVariant: 'headers' };
  }
  return { ...base, kind: 'vsphere' };
}

/** The config with `form` added (`mode: 'add'`) or replacing the endpoint of the same id. */
export function applyEndpointForm(config: Config, form: EndpointForm, mode: 'add' | 'edit'): Config {
  const endpoint = endpointFromForm(form);
  const exists = config.endpoints.some((e) => e.id.toLowerCase() === form.id.toLowerCase());
  if (mode === 'add' && exists) throw new SettingsInputError(`endpoint ${form.id} already exists; edit it instead`);
  if (mode === 'edit' && !exists) throw new SettingsInputError(`endpoint ${form.id} does not exist; add it first`);
  const endpoints = mode === 'add' ? [...config.endpoints, endpoint] : config.endpoints.map((e) => (e.id.toLowerCase() === form.id.toLowerCase() ? endpoint : e));
  const credential = endpoint.credential;
  const others = config.credentials.filter((c) => c.id !== credential);
  const previous = config.credentials.find((c) => c.id === credential);
  return { ...config, endpoints, credentials: [...others, { ...previous, id: credential, ttlSeconds: form.ttlSeconds }] };
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
    const ttl = config.credentials.find((c) => c.id === e.credential)?.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!e.url) throw new BugError(`endpoint ${e.id} has no URL`);
    return {
      id: e.id, kind: e.kind, url: e.url, username: e.username, readOnly: e.readOnly, ttlSeconds: ttl,
      ...(e.kind === 'p6' ? { database: e.database } : {}),
      ...(e.tls.fingerprintSha256 ? { fingerprintSha256: e.tls.fingerprintSha256 } : {}),
    };
  });
}
