import { z } from 'zod';
import { Policy } from './config.js';

/**
 * `<home>/policy-confirmed.json` (D281): the policy a person last confirmed
 * (or the host first started with), as `policyView` has it: config.json's `policy` and each
 * endpoint's `readOnly`. Holds no secret. A writer of the home can write it too, so it counts
 * only when its SHA-256 is the one the keychain item `policy:confirmed` holds.
 */
export const ConfirmedPolicyFile = z.strictObject({
  version: z.literal(1),
  policy: Policy,
  /** `[endpoint id, readOnly]` of every endpoint the confirmed config had. */
  readOnly: z.array(z.tuple([z.string().max(64), z.boolean()])).max(10_000),
});
export type ConfirmedPolicyFile = z.infer<typeof ConfirmedPolicyFile>;
