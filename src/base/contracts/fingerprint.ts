import { z } from 'zod';
import { normalizeFingerprint } from './normalize-fingerprint.js';

export { normalizeFingerprint };

/**
 * A SHA-256 certificate fingerprint: 64 hex digits, with or without colons, either case
 * (vcsim prints `44:8F:...`). Normalised to upper-case colon form so comparisons are exact
 * (normalizeFingerprint, which code outside the contracts imports without zod).
 */
export const FingerprintSha256 = z
  .string()
  .transform((s) => s.replace(/[:\s]/g, '').toUpperCase())
  .pipe(z.string().regex(/^[0-9A-F]{64}$/, 'expected a SHA-256 fingerprint: 64 hex digits, colons optional'))
  .transform((hex) => hex.match(/../g)!.join(':'));
export type FingerprintSha256 = z.infer<typeof FingerprintSha256>;
