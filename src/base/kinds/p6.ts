import { z } from 'zod';
import { defineKind, endpointSchemaOf } from './kind-descriptor.js';

/** How the P6 `/login` call carries credentials (reference/p6-rest-api.md §2.1). */
export const P6LoginVariant = z.enum(['headers', 'authToken', 'both']);
export type P6LoginVariant = z.infer<typeof P6LoginVariant>;

/** A P6 EPPM REST endpoint (`https://host/p6ws/restapi`). */
export const P6Endpoint = endpointSchemaOf('p6', {
  database: z.string().min(1).max(128),
  loginVariant: P6LoginVariant.default('headers'),
});
export type P6Endpoint = z.infer<typeof P6Endpoint>;

/** Oracle Primavera P6 EPPM: the REST API under `/p6ws/restapi`, one database per endpoint. */
export const p6Kind = defineKind({
  id: 'p6',
  title: 'Primavera P6',
  system: 'Oracle Primavera P6 EPPM',
  keywords: ['primavera', 'p6', 'oracle', 'eppm'],
  defaultApiPath: '/p6ws/restapi',
  urlExample: 'https://p6.corp.example/p6ws',
  endpoint: P6Endpoint,
  fields: [
    { key: 'database', flag: 'database', metavar: 'DB', label: 'P6 database', required: 'give the P6 database alias (see the P6 login page)', updatable: true, listed: true },
    { key: 'loginVariant', flag: 'login-variant', metavar: 'VARIANT', label: 'Login variant', choices: P6LoginVariant.options },
  ],
  grantExtras: (endpoint) => ({ database: endpoint.database }),
});
