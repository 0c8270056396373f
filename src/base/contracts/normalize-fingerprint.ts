/** 64 hex digits, upper case, once colons and spaces are gone. */
const SHA256_HEX = /^[0-9A-F]{64}$/;

/**
 * The label `openssl x509 -noout -fingerprint -sha256` prints before the hex (`sha256
 * Fingerprint=` in OpenSSL 3, `SHA256 Fingerprint=` in 1.1), so its whole line can be pasted
 * (D152).
 */
export const OPENSSL_FINGERPRINT_LABEL = /^\s*sha-?256\s+fingerprint\s*=/i;

/** The hex digits of a fingerprint as typed: the openssl label, colons and spaces removed, upper case. */
export function fingerprintHex(value: string): string {
  return value.replace(OPENSSL_FINGERPRINT_LABEL, '').replace(/[:\s]/g, '').toUpperCase();
}

/**
 * Normalises a SHA-256 certificate fingerprint (64 hex digits, with or without colons,
 * either case, after openssl's label if pasted with it; vcsim prints `44:8F:...`) to upper-case colon form, so comparisons are
 * exact; undefined when malformed. Kept free of zod (issue 17): the upstream connectors
 * need only this, and a one-shot process should not evaluate every zod schema to get it.
 */
export function normalizeFingerprint(value: string): string | undefined {
  const hex = fingerprintHex(value);
  return SHA256_HEX.test(hex) ? hex.match(/../g)!.join(':') : undefined;
}
