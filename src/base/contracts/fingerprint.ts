import { z } from 'zod';
import { fingerprintHex, normalizeFingerprint } from './normalize-fingerprint.js';

export { normalizeFingerprint };

/**
 * A SHA-256 certificate fingerprint: 64 hex digits, with or without colons, either case
 * (vcsim prints `44:8F:...`), optionally after openssl's `sha256 Fingerprint=` label. Normalised to upper-case colon form so comparisons are exact
 * (normalizeFingerprint, which code outside the contracts imports without zod).
 */
export const FingerprintSha256 = z
  .string()
  .transform(fingerprintHex)
  .pipe(z.string().regex(/^[0-9A-F]{64}$/, 'expected a SHA-256 fingerprint: 64 hex digits, colons optional'))
  .transform((hex) => hex.match(/../g)!.join(':'));
export type FingerprintSha256 = z.infer<typeof FingerprintSha256>;
