import type { Keychain } from '../core/node/keychain/keychain.js';
import type { CliContext } from './command.js';

/**
 * The keychain for this invocation. The native module is imported lazily so commands
 * that never touch secrets (status, lock, approvals) start without loading it.
 */
export async function openKeychain(ctx: CliContext): Promise<Keychain> {
  if (ctx.services?.keychain) return ctx.services.keychain();
  const { NapiKeychain } = await import('../core/node/keychain/napi-keychain.js');
  return new NapiKeychain();
}

/** Epoch ms now, from the injected clock when a test supplies one. */
export function nowOf(ctx: CliContext): number {
  return ctx.services?.now?.() ?? Date.now();
}
