import type { EndpointKind } from '../base/kinds/registry.js';
import type { UpstreamLogin } from '../platform/broker/upstream-login.js';
import type { Keychain } from '../platform/keychain/keychain.js';
import type { LegacyMigration } from '../platform/keychain/migrate-legacy-items.js';
import { resolveHome } from '../platform/config/home.js';
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
  const { openHomeKeychain } = await import('../platform/keychain/open-home-keychain.js');
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

/**
 * The upstream logins `endpoint add/update` test a password with: the broker's own adapters,
 * imported lazily so commands that never log in do not load the connectors.
 */
export async function openLogins(ctx: CliContext): Promise<Readonly<Record<EndpointKind, UpstreamLogin>>> {
  if (ctx.services?.logins) return ctx.services.logins();
  const { hostLogins } = await import('../platform/host/compose-host.js');
  return hostLogins();
}
