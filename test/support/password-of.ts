// The password in a keychain item, whether a bound envelope or a legacy bare one (D198).
import { decodePassword } from '../../src/platform/keychain/password-envelope.js';

/** The password an item holds; undefined for no item. */
export function passwordOf(item: string | undefined): string | undefined {
  return item === undefined ? undefined : decodePassword(item).password;
}
