// The kind registry (issue 13 item 1, docs/DECISIONS.md "kind registry"): the one place that
// knows which upstream kinds exist. Everything kind-specific outside src/**/kinds/,
// src/connectors/<kind>/, src/mcp/<kind>/ and the login adapters is looked up here.
import { z } from 'zod';
import { BugError } from '../errors/core-error.js';
import { toDisposable, type Disposable } from '../lifecycle/disposable.js';
import type { KindDescriptor } from './kind-descriptor.js';
import { p6Kind } from './p6.js';
import { vsphereKind } from './vsphere.js';

/** The kinds KeyBroker ships, in the order lists and usage show them. */
export const BUILT_IN_KINDS = [vsphereKind, p6Kind] as const;

/** A kind KeyBroker ships. */
export type BuiltInKind = (typeof BUILT_IN_KINDS)[number];

/**
 * The id of an upstream kind (`vsphere`, `p6`). Statically the built-in ids, so a
 * `satisfies Record<EndpointKind, …>` inside a kind folder is checked by the compiler; at
 * run time a kind registered with `registerKind` is an `EndpointKind` too, which is why code
 * outside the kind folders never switches on it but asks the registry (`kindOf`).
 */
export type EndpointKind = BuiltInKind['id'];

/** One endpoint of any built-in kind, as config.json holds it (after defaults). */
export type Endpoint = z.output<BuiltInKind['endpoint']>;
/** One endpoint as written by hand (defaults not yet applied). */
export type EndpointInput = z.input<BuiltInKind['endpoint']>;

/** What a registered kind's id must look like: it is a CLI word, a server name and a folder name (and never an Object.prototype member such as `constructor`). */
const KIND_ID = /^[a-z][a-z0-9-]{0,31}$/;

const registered = new Map<string, KindDescriptor>(BUILT_IN_KINDS.map((k) => [k.id, k]));
let unionCache: { readonly version: number; readonly schema: z.ZodType } | undefined;
let version = 0;

/**
 * Add an upstream kind at start-up, before anything parses config.json or composes the host
 * (`composeHost` in src/platform/host/compose-host.ts). This is how code outside `src/`
 * (a test-only kind in test/fixtures/, a plug-in) brings a kind without editing `src/`:
 *
 * ```ts
 * const DemoEndpoint = endpointSchemaOf('demo', { realm: z.string().min(1) });
 * registerKind(defineKind({ id: 'demo', title: 'Demo', system: 'Demo REST', keywords: ['demo'],
 *   defaultApiPath: '/api', urlExample: 'https://demo.example', endpoint: DemoEndpoint,
 *   fields: [{ key: 'realm', flag: 'realm', metavar: 'REALM', label: 'Realm', required: 'give the realm' }] }));
 * ```
 *
 * The Node half (login adapter and MCP server) is registered with `registerKindModule`
 * from src/platform/kinds/registry.ts, which calls this for you when given the descriptor.
 *
 * Throws a BugError when the id is malformed or taken, or when the schema is not a strict
 * object whose `kind` is the literal id and which has every field of `fields`.
 * Returns a Disposable that removes the kind again (tests).
 */
export function registerKind(descriptor: KindDescriptor): Disposable {
  const { id } = descriptor;
  if (!KIND_ID.test(id) || id in Object.prototype) throw new BugError(`kind id ${JSON.stringify(id)} is not a lower-case word (a-z, 0-9, -; at most 32); rename the kind`);
  if (registered.has(id)) throw new BugError(`kind ${id} is registered already; register each kind once, at start-up`);
  const schema = descriptor.endpoint;
  if (!(schema instanceof z.ZodObject)) throw new BugError(`kind ${id}: its endpoint schema must come from endpointSchemaOf('${id}', {...})`);
  const kind = schema.shape['kind'];
  if (!(kind instanceof z.ZodLiteral) || kind.value !== id) throw new BugError(`kind ${id}: its endpoint schema's kind must be the literal '${id}'; build it with endpointSchemaOf`);
  for (const f of descriptor.fields) {
    if (!(f.key in schema.shape)) throw new BugError(`kind ${id}: field ${f.key} is not in its endpoint schema; add it to endpointSchemaOf('${id}', {...})`);
  }
  registered.set(id, descriptor);
  version += 1;
  return toDisposable(() => {
    if (registered.get(id) !== descriptor) return;
    registered.delete(id);
    version += 1;
  });
}

/** Every registered kind: the built-in ones first, then the ones registered, in order. */
export function allKinds(): readonly KindDescriptor[] {
  return [...registered.values()];
}

/** The ids of every registered kind. */
export function kindIds(): string[] {
  return [...registered.keys()];
}

/** True when `id` names a registered kind. */
export function isKindId(id: unknown): id is EndpointKind {
  return typeof id === 'string' && registered.has(id);
}

/** The descriptor of `id`, or undefined when no such kind is registered. */
export function findKind(id: string): KindDescriptor | undefined {
  return registered.get(id);
}

/** The descriptor of a kind known to exist (an endpoint's or server's kind). */
export function kindOf(id: string): KindDescriptor {
  const d = registered.get(id);
  if (!d) throw new BugError(`no kind ${JSON.stringify(id)} is registered; register it before loading a config that uses it`);
  return d;
}

/** The registered ids as a sentence: `vsphere or p6`, `vsphere, p6 or demo`. */
export function kindList(): string {
  const ids = kindIds();
  return ids.length <= 1 ? ids.join('') : `${ids.slice(0, -1).join(', ')} or ${ids.at(-1)!}`;
}

/**
 * The zod schema of a kind id, checked against the registry when it parses (so a kind
 * registered after this module loaded is accepted).
 */
export const EndpointKind = z.string().refine(isKindId, { error: (issue) => `unknown kind ${JSON.stringify(issue.input)}; expected ${kindList()}` }) as unknown as z.ZodType<EndpointKind, string>;

/** The discriminated union of every registered kind's endpoint schema (rebuilt when a kind is added). */
function endpointUnion(): z.ZodType {
  if (unionCache?.version !== version) {
    const [first, ...rest] = allKinds().map((k) => k.endpoint as z.ZodObject);
    if (!first) throw new BugError('no kind is registered');
    unionCache = { version, schema: z.discriminatedUnion('kind', [first, ...rest]) };
  }
  return unionCache.schema;
}

/**
 * The zod schema of one endpoint of any registered kind. It parses with the union of the
 * kinds registered when it runs, so its issues and paths are those of the kind's own schema.
 */
export const EndpointSchema = z.unknown().transform((value, ctx) => {
  const kind = typeof value === 'object' && value !== null && Object.hasOwn(value, 'kind') ? (value as { kind: unknown }).kind : undefined;
  if (!isKindId(kind)) {
    // The union's own line ("Invalid discriminator value") does not say what to write.
    ctx.issues.push({ code: 'custom', path: ['kind'], message: kind === undefined ? `missing kind; expected ${kindList()}` : `unknown kind ${JSON.stringify(kind)}; expected ${kindList()}`, input: value });
    return z.NEVER;
  }
  const r = endpointUnion().safeParse(value);
  if (r.success) return r.data as Endpoint;
  for (const issue of r.error.issues) ctx.issues.push({ ...issue, input: value } as (typeof ctx.issues)[number]);
  return z.NEVER;
}) as unknown as z.ZodType<Endpoint, EndpointInput>;

/**
 * The values of the kind's own fields on `endpoint` (`{ database, loginVariant }` for P6),
 * as strings, in the kind's field order; absent fields are left out.
 */
export function kindFieldValues(endpoint: { readonly kind: string }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of kindOf(endpoint.kind).fields) {
    const v = (endpoint as Record<string, unknown>)[f.key];
    if (typeof v === 'string') out[f.key] = v;
  }
  return out;
}

/** What the token grant tells a child about `endpoint` beyond URL, TLS and user. */
export function grantExtrasOf(endpoint: { readonly kind: string }) {
  return kindOf(endpoint.kind).grantExtras?.(endpoint) ?? {};
}
