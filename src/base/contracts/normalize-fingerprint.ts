/** 64 hex digits, upper case, once colons and spaces are gone. */
const SHA256_HEX = /^[0-9A-F]{64}$/;

/**
 * Normalises a SHA-256 certificate fingerprint (64 hex digits, with or without colons,
 * either case; vcsim prints `44:8F:...`) to upper-case colon form, so comparisons are
 * exact; undefined when malformed. Kept free of zod (issue 17): the upstream connectors
 * need only this, and a one-shot process should not evaluate every zod schema to get it.
 */
export function normalizeFingerprint(value: string): string | undefined {
  const hex = value.replace(/[:\s]/g, '').toUpperCase();
  return SHA256_HEX.test(hex) ? hex.match(/../g)!.join(':') : undefined;
}
