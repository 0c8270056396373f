import type { KindForm } from '../contracts/ipc-channels.js';
import { allKinds, type EndpointKind } from './registry.js';

/** Every registered kind as the settings form offers it: title, URL example and own fields. */
export function kindForms(): KindForm[] {
  return allKinds().map((k) => ({
    id: k.id as EndpointKind,
    title: k.title,
    urlExample: k.urlExample,
    fields: k.fields.map((f) => ({ key: f.key, label: f.label, required: f.required !== undefined, listed: f.listed === true, ...(f.choices ? { choices: [...f.choices] } : {}) })),
  }));
}
