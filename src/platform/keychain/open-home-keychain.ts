import type { Config } from '../../base/contracts/config.js';
import { ConfigStore } from '../config/config-store.js';
import { API_KEY_ACCOUNT } from '../http/api-key.js';
import { KEYCHAIN_SERVICE } from './keychain.js';
import { loadKeychainNamespace, markLegacyMigrated } from './keychain-namespace.js';
import { migrateLegacyItems, type LegacyMigration } from './migrate-legacy-items.js';
import { NapiKeychain } from './napi-keychain.js';

/** A home's keychain, and what opening it did. */
export interface HomeKeychain {
  /** The OS keychain, every item under the home's service `KeyBroker/<id>`. */
  readonly keychain: NapiKeychain;
  /** What was moved in from KeyBroker 0.1's shared service; undefined when that was done before. */
  readonly migration?: LegacyMigration;
  /** Why the move failed this time (keychain locked, ...); it is retried at the next open. */
  readonly migrationError?: unknown;
}

/**
 * The credential ids this home may have stored under 0.1's shared service: its credentials,
 * and the HTTP API key if its front door is on. Items of names this home does not use are
 * left for the home that does.
 */
export function legacyAccounts(config: Config): string[] {
  return [...config.credentials.map((c) => c.id), ...(config.http.enabled ? [API_KEY_ACCOUNT] : [])];
}

/**
 * Open the OS keychain for `home` (issue 10 item 3): create the namespace on first use and,
 * once, move this home's items of KeyBroker 0.1 into it (migrateLegacyItems). A failed
 * move is reported, not thrown: nothing was lost, and the next open tries again.
 *
 * @param platform whose install/unlock advice keychain errors carry.
 */
export async function openHomeKeychain(home: string, platform: NodeJS.Platform = process.platform): Promise<HomeKeychain> {
  const namespace = loadKeychainNamespace(home);
  const keychain = new NapiKeychain(namespace.service, platform);
  if (namespace.legacyMigrated) return { keychain };
  try {
    const accounts = legacyAccounts(new ConfigStore(home).load());
    const migration = await migrateLegacyItems(new NapiKeychain(KEYCHAIN_SERVICE, platform), keychain, accounts);
    markLegacyMigrated(namespace);
    return { keychain, migration };
  } catch (migrationError) {
    return { keychain, migrationError };
  }
}
