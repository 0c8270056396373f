import { z } from 'zod';
import { CredentialId, EndpointName } from './names.js';
import { FingerprintSha256 } from './fingerprint.js';
import { isLoopbackHost } from './endpoint-url.js';

/** TLS settings of one upstream. Verification is on unless the user pins a fingerprint instead. */
export const TlsSettings = z.strictObject({
  verify: z.literal(true).describe('always true: KeyBroker never turns certificate checks off'),
  caFile: z.string().min(1).optional(),
  fingerprintSha256: FingerprintSha256.optional(),
});
export type TlsSettings = z.infer<typeof TlsSettings>;

/** How the P6 `/login` call carries credentials (reference/p6-rest-api.md §2.1). */
export const P6LoginVariant = z.enum(['headers', 'authToken', 'both']);
export type P6LoginVariant = z.infer<typeof P6LoginVariant>;

/**
 * The same rule as the CLI's normalizeEndpointUrl (issue 10 item 9): a hand-edited
 * config.json must not slip past it. Security: the password travels to this URL at login,
 * so plain http only for a loopback host; no credentials in the URL (config holds no secret).
 */
const httpsUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .refine((raw) => { const u = new URL(raw); return u.protocol === 'https:' || isLoopbackHost(u.hostname); }, { error: 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])' })
  .refine((raw) => { const u = new URL(raw); return !u.username && !u.password; }, { error: 'must not contain a user name or password; use --user and --password-stdin' });

const EndpointBase = {
  id: EndpointName,
  url: httpsUrl,
  username: z.string().min(1).max(256),
  tls: TlsSettings,
  readOnly: z.boolean(),
  credential: CredentialId,
};

/** A vCenter or ESXi SOAP endpoint (`https://vc/sdk`). */
export const VsphereEndpoint = z.strictObject({ ...EndpointBase, kind: z.literal('vsphere') });

/** A P6 EPPM REST endpoint (`https://host/p6ws/restapi`). */
export const P6Endpoint = z.strictObject({
  ...EndpointBase,
  kind: z.literal('p6'),
  database: z.string().min(1).max(128),
  loginVariant: P6LoginVariant.default('headers'),
});

/** One upstream system (DESIGN.md "Credentials, unlock and sessions"). */
export const Endpoint = z.discriminatedUnion('kind', [VsphereEndpoint, P6Endpoint]);
export type Endpoint = z.infer<typeof Endpoint>;
export type VsphereEndpoint = z.infer<typeof VsphereEndpoint>;
export type P6Endpoint = z.infer<typeof P6Endpoint>;
