import type { Endpoint } from '../base/contracts/endpoint.js';
import { decodePassword, routePassword } from '../platform/keychain/password-envelope.js';
import { CliError } from './cli-error.js';

/**
 * The stored password from keychain item `item`, for a login test at `endpoint`; refused
 * (exit 1, the one line that says to type it again) when it is bound to other servers
 * (D198): `endpoint update vc1 --url X` without a password no longer sends it to X.
 */
export function storedPasswordFor(endpoint: Endpoint, item: string): string {
  const stored = decodePassword(item);
  const route = routePassword(endpoint, stored);
  if (!route.ok) throw new CliError(route.message);
  return route.password;
}
