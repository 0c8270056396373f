import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

/**
 * SHA-256 of a DER-encoded certificate in the form the endpoint contract normalises to
 * (`FingerprintSha256`): upper-case hex pairs joined by colons, like vcsim prints it.
 */
export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/**
 * Fingerprint of the leaf certificate the server presented on `socket`, or undefined when
 * it presented none. Computed from the raw DER rather than read from `fingerprint256`, so
 * the pin check does not depend on how Node formats that field.
 */
export function peerFingerprint(socket: TLSSocket): string | undefined {
  const raw = socket.getPeerCertificate()?.raw as Buffer | undefined;
  return raw && raw.length > 0 ? certificateFingerprint(raw) : undefined;
}
