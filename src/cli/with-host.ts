import { HostNotRunningError } from '../base/errors/host-not-running-error.js';
import { resolveHome } from '../platform/config/home.js';
import { ControlClient } from '../platform/control/control-client.js';
import type { CliContext } from './command.js';
import { toOneLine } from './format/one-line.js';

/**
 * Run `fn` with a control connection to this home's host and close it afterwards.
 * Throws HostNotRunningError (exit 1 with "start it with `keybroker serve`") when none runs.
 */
export async function withHost<T>(ctx: CliContext, fn: (client: ControlClient) => Promise<T>): Promise<T> {
  const client = await ControlClient.connect(resolveHome(ctx.env), { env: ctx.env });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/**
 * Tell a running host that config.json or keychain items changed. No host is fine: it reads
 * the config when it starts. Any other failure is a warning, since the change itself is saved.
 */
export async function notifyConfigChanged(ctx: CliContext, changedCredentials: readonly string[]): Promise<void> {
  try {
    await withHost(ctx, (client) => client.call('config.reload', { changedCredentials: [...changedCredentials] }));
  } catch (e) {
    if (e instanceof HostNotRunningError) return;
    ctx.stderr.write(`keybroker: warning: saved, but the running host did not reload (${toOneLine((e as Error).message ?? String(e))}); restart it to apply the change\n`);
  }
}
