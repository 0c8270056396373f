import type { Keychain } from './keychain.js';
import { KeychainError } from './keychain-error.js';

/** What a migration did, by credential id (never a secret). */
export interface LegacyMigration {
  /** Copied into the namespace, checked, and removed from the old place. */
  readonly moved: string[];
  /** Already in the namespace (an earlier, interrupted run or a newer password): the old item was removed. */
  readonly superseded: string[];
}

/**
 * Move the items of KeyBroker 0.1 (service `KeyBroker`, shared by every home) into this
 * home's namespace (issue 10 item 3). Per account: read the old item; if the namespace has
 * none, write it there and read it back; only when that matches, delete the old one.
 *
 * Never loses a password: until the copy reads back, the old item stays. Idempotent: an
 * interrupted run leaves either the old item alone (copied on the next run), both (the old
 * one is deleted on the next run), or only the new one (nothing left to do). A namespaced
 * item that differs from the old one was written by this version later, so it wins.
 *
 * @throws KeychainError when a copy does not read back; keychain errors as they come. The
 * accounts handled before the failure stay handled.
 */
export async function migrateLegacyItems(legacy: Keychain, current: Keychain, accounts: Iterable<string>): Promise<LegacyMigration> {
  const result: LegacyMigration = { moved: [], superseded: [] };
  for (const account of new Set(accounts)) {
    const old = await legacy.get(account);
    if (old === undefined) continue;
    const existing = await current.get(account);
    if (existing === undefined) {
      await current.set(account, old);
      // Security: never delete the only copy on the word of a write; read it back first.
      if ((await current.get(account)) !== old) {
        throw new KeychainError('store', account, 'the copy in the home\'s namespace did not read back the same; the old item was kept');
      }
      result.moved.push(account);
    } else {
      result.superseded.push(account);
    }
    await legacy.delete(account);
  }
  return result;
}
