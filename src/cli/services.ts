import type { EndpointKind } from '../core/common/contracts/names.js';
import type { UpstreamLogin } from '../core/node/broker/upstream-login.js';
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

/**
 * The upstream logins `endpoint add/update` test a password with: the broker's own adapters,
 * imported lazily so commands that never log in do not load the connectors.
 */
export async function openLogins(ctx: CliContext): Promise<Readonly<Record<EndpointKind, UpstreamLogin>>> {
  if (ctx.services?.logins) return ctx.services.logins();
  const [{ VsphereUpstreamLogin }, { P6UpstreamLogin }] = await Promise.all([
    import('../core/node/broker/logins/vsphere-upstream-login.js'),
    import('../core/node/broker/logins/p6-upstream-login.js'),
  ]);
  return { vsphere: new VsphereUpstreamLogin(), p6: new P6UpstreamLogin() };
}
