import type { Endpoint } from '../base/contracts/endpoint.js';
import { decodePassword, routePassword } from '../platform/keychain/password-envelope.js';
import { CliError } from './cli-error.js';

/**
 * The stored password from keychain item `item`, for a login test at `endpoint`; refused
 * (exit 1, the one line that says to type it again) when it is bound to other servers
 * (D198): `endpoint update vc1 --url X` without a password no longer sends it to X.
 * Security (D226): a password with no recorded servers yet (0.1's bare item) is
 * sent only after the unlock prompt that names where it is bound (D222); a login test from
 * the shell is no such consent, so it is refused with what to do instead.
 */
export function storedPasswordFor(endpoint: Endpoint, item: string): string {
  const stored = decodePassword(item);
  const route = routePassword(endpoint, stored);
  if (!route.ok) throw new CliError(route.message);
  if (route.unbound) {
    throw new CliError(`the stored password of ${endpoint.credential} has no recorded servers yet (KeyBroker 0.1 saved it), so a login test does not send it: type it again with --password-stdin, or add --no-verify (its next unlock asks you to bind it to the servers it names)`);
  }
  return route.password;
}
