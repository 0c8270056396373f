import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring';
import type { Keychain } from './keychain.js';
import type { KeychainOperation } from './keychain-error.js';
import { KeychainUnavailableError } from './keychain-unavailable-error.js';
import { mapKeyringError } from './map-keyring-error.js';

// Security: on Linux the library would otherwise fall back to the kernel keyring
// (keyutils) when no Secret Service answers. That store is not persistent and not what
// the user unlocked, so a credential "saved" there would silently vanish or leak scope.
// Pinned, an absent Secret Service is an error we report instead. Ignored off Linux.
const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

/** Result of {@link NapiKeychain.probe}: whether the OS keychain answers at all. */
export type KeychainProbe = { readonly available: true } | { readonly available: false; readonly error: KeychainUnavailableError };

/**
 * The {@link Keychain} on `@napi-rs/keyring`: macOS Keychain, Windows Credential Manager,
 * or the Secret Service (gnome-keyring, KeePassXC) on Linux. Items live under `service`
 * (a home's `KeyBroker/<id>`, see openHomeKeychain) with the credential id as account.
 * Every failure is a coded error whose message says what to install or unlock and never
 * contains the secret.
 *
 * On Linux libdbus reads `DBUS_SESSION_BUS_ADDRESS` once per process, at the first
 * keychain call: changing it later has no effect. The library connects synchronously in
 * the entry constructor, so each call blocks the event loop for one local D-Bus round
 * trip (a few ms measured) before the async part starts.
 */
export class NapiKeychain implements Keychain {
  /**
   * @param service the keychain service of every item: the home's namespace
   *   (`KeyBroker/<id>`), or `KeyBroker` only to read the items of KeyBroker 0.1.
   * @param platform whose install/unlock advice errors carry; this machine's by default.
   */
  constructor(
    readonly service: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** The secret stored for `account`, or undefined when there is none. */
  async get(account: string): Promise<string | undefined> {
    const secret = await this.run('read', account, undefined, (entry) => entry.getPassword());
    return secret ?? undefined;
  }

  /** Create or replace the secret for `account`. */
  async set(account: string, secret: string): Promise<void> {
    await this.run('store', account, secret, (entry) => entry.setPassword(secret));
  }

  /** Delete the item; true when one existed. */
  async delete(account: string): Promise<boolean> {
    return this.run('delete', account, undefined, (entry) => entry.deletePassword());
  }

  /**
   * Whether the keychain answers, without reading any item: on Linux this connects to
   * the session bus and checks that a Secret Service is there, so it never raises an
   * unlock prompt (a locked keyring shows up at the first get or set instead).
   */
  async probe(): Promise<KeychainProbe> {
    try {
      // Constructing an entry is what connects; a throw here is "unavailable".
      new AsyncEntry(this.service, 'keybroker-probe', ENTRY_OPTIONS);
      return { available: true };
    } catch (err) {
      const mapped = mapKeyringError(err, { operation: 'read', account: 'keybroker-probe', platform: this.platform });
      if (mapped instanceof KeychainUnavailableError) return { available: false, error: mapped };
      throw mapped;
    }
  }

  private async run<T>(operation: KeychainOperation, account: string, secret: string | undefined, op: (entry: AsyncEntry) => Promise<T>): Promise<T> {
    try {
      // A fresh entry per call: with a pinned store the constructor itself throws when
      // the Secret Service is gone, and a new entry picks up a restarted keyring.
      const entry = new AsyncEntry(this.service, account, ENTRY_OPTIONS);
      return await op(entry);
    } catch (err) {
      throw mapKeyringError(err, { operation, account, secret, platform: this.platform });
    }
  }
}
