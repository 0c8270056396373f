import type { Keychain } from '../core/node/keychain/keychain.js';
import type { LegacyMigration } from '../core/node/keychain/migrate-legacy-items.js';
import { resolveHome } from '../core/node/config/home.js';
import type { CliContext } from './command.js';

/** The keychain for this invocation, and what opening it moved in from KeyBroker 0.1. */
export interface OpenedKeychain {
  readonly keychain: Keychain;
  readonly migration?: LegacyMigration;
  readonly migrationError?: unknown;
}

/**
 * The home's keychain (its own namespace, 0.1 items moved in once; see openHomeKeychain),
 * with the migration's outcome for `serve` to report. The native module is imported lazily
 * so commands that never touch secrets (status, lock, approvals) start without loading it.
 */
export async function openHomeKeychainFor(ctx: CliContext): Promise<OpenedKeychain> {
  if (ctx.services?.keychain) return { keychain: ctx.services.keychain() };
  const { openHomeKeychain } = await import('../core/node/keychain/open-home-keychain.js');
  return openHomeKeychain(resolveHome(ctx.env));
}

/** The home's keychain for this invocation (see openHomeKeychainFor). */
export async function openKeychain(ctx: CliContext): Promise<Keychain> {
  return (await openHomeKeychainFor(ctx)).keychain;
}

/** Epoch ms now, from the injected clock when a test supplies one. */
export function nowOf(ctx: CliContext): number {
  return ctx.services?.now?.() ?? Date.now();
}
