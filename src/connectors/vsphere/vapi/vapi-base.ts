import { ConnectorError } from '../../connector-error.js';

/** The vAPI REST base beside `/sdk`: `https://vc/rest` (vCenter 6.5 and later; vcsim). */
export function vapiBase(sdkUrl: string): string {
  return `${new URL(sdkUrl).origin}/rest`;
}

/** The header (and cookie) that carries a vAPI session id. */
export const VAPI_SESSION_HEADER = 'vmware-api-session-id';

/**
 * The error for a vAPI answer compressed although the request asked for none: named as
 * such, since its bytes are "not JSON" only because nothing undid the compression.
 */
export function compressedVapiAnswer(origin: string, what: string, encoding: string): ConnectorError {
  return new ConnectorError('CONN_BAD_RESPONSE', `the vAPI service at ${origin} answered ${what} compressed (content-encoding: ${encoding}) although KeyBroker asked for none; check for a proxy between KeyBroker and vCenter that compresses answers`);
}
