import { z } from 'zod';
import { ENDPOINT_BASE } from '../contracts/endpoint-base.js';

/**
 * One endpoint field a kind adds to the common ones (issue 13 item 1): the P6 database,
 * the P6 login variant. The CLI (`keybroker endpoint add KIND` flags, usage and errors),
 * the settings form and the endpoint builder are derived from this list; nothing outside
 * the kind's own folders names the field.
 */
export interface KindField {
  /** The endpoint property in config.json (`database`). */
  readonly key: string;
  /** The `endpoint add` option, without the dashes (`database`, `login-variant`). */
  readonly flag: string;
  /** The value's placeholder in usage lines (`DB`); ignored when `choices` is set. */
  readonly metavar: string;
  /** The settings form label (`P6 database`). */
  readonly label: string;
  /**
   * Set when the field must be given: the sentence after "missing --flag; " that says what
   * to give (`give the P6 database alias (see the P6 login page)`).
   */
  readonly required?: string;
  /** The allowed values, first is the default (a `<select>` in the form). */
  readonly choices?: readonly string[];
  /** True when `keybroker endpoint update NAME --flag` may change it. */
  readonly updatable?: boolean;
  /** True when the endpoint list (settings, `endpoint list`) shows it after the user name. */
  readonly listed?: boolean;
}

/** What the token grant tells a child about its upstream beyond URL, TLS and user name. */
export interface GrantExtras {
  readonly database?: string;
}

/**
 * The data half of an upstream kind (issue 13 item 1): everything about a kind that needs
 * no Node. One per kind, in `src/base/kinds/<kind>.ts` (built in) or in code outside
 * `src/` (a kind registered at start-up, see `registerKind` in ./registry.ts). The Node half
 * (login adapter, MCP server bundle) is a `KindModule` in src/platform/kinds/.
 *
 * @typeParam Id  the kind's id, the `kind` of its endpoints in config.json (`vsphere`).
 * @typeParam S   the zod schema of one endpoint of this kind (see `endpointSchemaOf`).
 */
export interface KindDescriptor<Id extends string = string, S extends z.ZodType = z.ZodType> {
  /** The `kind` in config.json, the CLI word (`endpoint add vsphere`) and the built-in server's name. */
  readonly id: Id;
  /** Short name for lists and the settings `<select>` (`vSphere`, `Primavera P6`). */
  readonly title: string;
  /** Long name of the upstream system (`VMware vSphere (vCenter/ESXi)`), for manifests. */
  readonly system: string;
  /** Search words of the Claude Desktop extension. */
  readonly keywords: readonly string[];
  /** The API path used when the user gives only a host (`/sdk`). */
  readonly defaultApiPath: string;
  /** An example URL for placeholders and error hints (`https://vc1.corp.example`). */
  readonly urlExample: string;
  /** The schema of one endpoint of this kind, built with `endpointSchemaOf`. */
  readonly endpoint: S;
  /** The fields this kind adds, in the order the CLI usage and the form show them. */
  readonly fields: readonly KindField[];
  /** What the child needs to know of an endpoint beyond the common upstream fields. */
  grantExtras?(endpoint: z.infer<S>): GrantExtras;
}

/**
 * The strict endpoint schema of kind `id`: the common fields, `kind: id`, and `extension`
 * (the kind's own fields; each should have a matching `KindField`).
 */
export function endpointSchemaOf<const Id extends string, const E extends z.ZodRawShape>(id: Id, extension: E) {
  return z.strictObject({ ...ENDPOINT_BASE, kind: z.literal(id), ...extension });
}

/** Identity helper that checks a descriptor and keeps its literal types. */
export function defineKind<const Id extends string, S extends z.ZodType>(descriptor: KindDescriptor<Id, S>): KindDescriptor<Id, S> {
  return descriptor;
}
