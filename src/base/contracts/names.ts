import { z } from 'zod';

/** An endpoint name as typed on the command line: short, shell-safe, no path characters. */
export const EndpointName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

/** The id of an upstream kind; the zod schema and the registry are in base/kinds/registry.ts. */
export type { EndpointKind } from '../kinds/registry.js';

/**
 * A domain typed in Unicode (`bücher.example`) in its ASCII form (`xn--bcher-kva.example`),
 * mapped as the URL parser maps an endpoint URL's host, so the two compare alike
 * (D149). Only a bare name is mapped: anything a URL would read as a path, port or
 * user is left for the pattern to refuse.
 */
function asciiDomain(name: string): string {
  // eslint-disable-next-line no-control-regex -- "not plain ASCII" is the test
  if (/^[\u0000-\u007f]*$/.test(name) || /[\s/?#@:\\%[\]]/.test(name)) return name.toLowerCase();
  try {
    return new URL(`https://${name}/`).hostname;
  } catch {
    return name;
  }
}

/** A DNS domain shared by several endpoints (`corp.example`, matching `*.corp.example`). */
export const DomainName = z
  .string()
  .transform((s) => asciiDomain(s.replace(/^\*\./, '')))
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'use a DNS domain such as corp.example'));

/**
 * A credential id is also the keychain account (service `KeyBroker`). Endpoint-owned
 * credentials are `endpoint:NAME`; domain-shared ones are `domain:corp.example`.
 */
export const CredentialId = z.string().regex(/^(endpoint:[A-Za-z0-9][A-Za-z0-9._-]{0,63}|domain:[a-z0-9.-]{1,253})$/, 'expected endpoint:NAME or domain:DOMAIN');
export type CredentialId = z.infer<typeof CredentialId>;
