import type { Config } from './contracts/config.js';
import type { TlsSettings } from './contracts/endpoint.js';

/**
 * True when an endpoint with `tls` may use the stored password of domain credential
 * `credential` without the password being typed again: it trusts the system's store (no pin,
 * no CA file; the name is checked, as for every host the domain password was typed for), or
 * exactly the pin and CA file of an endpoint that already uses this credential (`config` as
 * it is before the change, so an edit that keeps its own trust passes).
 *
 * Security: a pin or CA file nobody typed the domain password for would let whoever answers
 * for an in-domain name with that certificate receive it at the next login, without a prompt
 * while the credential is unlocked (D180).
 */
export function isKnownDomainTrust(config: Config, credential: string, tls: TlsSettings): boolean {
  if (tls.fingerprintSha256 === undefined && tls.caFile === undefined) return true;
  return config.endpoints.some((e) => e.credential === credential
    && e.tls.fingerprintSha256 === tls.fingerprintSha256 && e.tls.caFile === tls.caFile);
}

/** What an endpoint's own trust is, for the refusal: "its certificate pin", "its CA file", or both. */
export function ownTrustLabel(tls: TlsSettings): string {
  const parts = [...(tls.fingerprintSha256 !== undefined ? ['certificate pin'] : []), ...(tls.caFile !== undefined ? ['CA file'] : [])];
  return `its ${parts.join(' and ')}`;
}

/**
 * The one line of a refusal: what to do (type the domain password) and why. `how` says where
 * to type it, e.g. "in the Password field" or "with --password-stdin".
 */
export function unknownDomainTrustMessage(endpoint: string, domain: string, tls: TlsSettings, how: string): string {
  return `enter the domain password again ${how} to trust ${ownTrustLabel(tls)} for ${endpoint}: without it, ${domain}'s stored password goes only to servers checked by the system's trust store or by the pin or CA file of another ${domain} endpoint`;
}
