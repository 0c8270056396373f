/**
 * The keychain service of KeyBroker 0.1, shared by every home (legacy: its items are moved
 * into the home's namespace on first start), and the prefix of the namespaced services:
 * a home's items live under `KeyBroker/<id>` (keychain-namespace.ts), with the credential
 * id as account.
 */
export const KEYCHAIN_SERVICE = 'KeyBroker';

/**
 * The OS keychain as the broker sees it (Keychain on macOS, Secret Service on Linux,
 * Credential Manager on Windows). Only `platform/broker` and the CLI's credential
 * commands may hold an instance: secrets never travel further (STYLE.md §9).
 */
export interface Keychain {
  /** The secret stored for `account`, or undefined when there is none. */
  get(account: string): Promise<string | undefined>;
  /** Create or replace the secret for `account`. */
  set(account: string, secret: string): Promise<void>;
  /** Delete the item; true when one existed. */
  delete(account: string): Promise<boolean>;
}
