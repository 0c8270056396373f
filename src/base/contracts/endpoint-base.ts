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

/**
 * The same rule as normalizeEndpointUrl (issue 10 item 9): a hand-edited config.json must
 * not slip past it. Security: the password travels to this URL at login, so plain http only
 * for a loopback host; no credentials in the URL (config holds no secret).
 */
const httpsUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .refine((raw) => { const u = new URL(raw); return u.protocol === 'https:' || isLoopbackHost(u.hostname); }, { error: 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])' })
  .refine((raw) => { const u = new URL(raw); return !u.username && !u.password; }, { error: 'must not contain a user name or password; use --user and --password-stdin' });

/**
 * The fields every endpoint has, whatever its kind. A kind's endpoint schema is
 * `z.strictObject({ ...ENDPOINT_BASE, kind: z.literal(id), ...its own fields })`
 * (see `endpointSchemaOf` in base/kinds/kind-descriptor.ts).
 */
export const ENDPOINT_BASE = {
  id: EndpointName,
  url: httpsUrl,
  username: z.string().min(1).max(256),
  tls: TlsSettings,
  readOnly: z.boolean(),
  credential: CredentialId,
};
