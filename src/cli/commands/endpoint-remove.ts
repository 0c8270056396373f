import { ConfigStore } from '../../platform/config/config-store.js';
import { resolveHome } from '../../platform/config/home.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../command.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { openKeychain } from '../services.js';
import { notifyConfigChanged } from '../with-host.js';

/** Usage of `endpoint remove`. */
export const ENDPOINT_REMOVE_USAGE = 'keybroker endpoint remove NAME';

/**
 * `keybroker endpoint remove NAME`: drop the endpoint from config.json; when no other
 * endpoint uses its credential, drop the credential too and delete its keychain item.
 * Config goes first, so a failure never leaves an endpoint pointing at a deleted secret.
 */
export async function runEndpointRemove(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {}, ENDPOINT_REMOVE_USAGE);
  const [name = ''] = takePositionals(positionals, ['NAME'], ENDPOINT_REMOVE_USAGE);
  const store = new ConfigStore(resolveHome(ctx.env));
  const matches = (id: string): boolean => id.toLowerCase() === name.toLowerCase();
  if (!store.load().endpoints.some((e) => matches(e.id))) {
    throw new CliError(`no endpoint named ${JSON.stringify(name)}; see 'keybroker endpoint list'`);
  }

  let removed = { id: name, credential: '', credentialUnused: false, kind: '' };
  store.update((config) => {
    const endpoint = config.endpoints.find((e) => matches(e.id));
    if (!endpoint) throw new CliError(`no endpoint named ${JSON.stringify(name)}; see 'keybroker endpoint list'`);
    const endpoints = config.endpoints.filter((e) => e !== endpoint);
    const credentialUnused = !endpoints.some((e) => e.credential === endpoint.credential);
    removed = { id: endpoint.id, credential: endpoint.credential, credentialUnused, kind: endpoint.kind };
    const credentials = credentialUnused ? config.credentials.filter((c) => c.id !== endpoint.credential) : config.credentials;
    return { ...config, endpoints, credentials };
  });

  let failure: CliError | undefined;
  let note: string;
  if (removed.credentialUnused) {
    try {
      await (await openKeychain(ctx)).delete(removed.credential);
      note = `credential ${removed.credential} deleted from the keychain`;
    } catch (e) {
      note = `credential ${removed.credential} removed from config.json`;
      failure = new CliError(
        `removed endpoint ${removed.id}, but could not delete keychain item ${removed.credential} (${(e as Error)?.message ?? String(e)}); delete it with your keychain tool (service KeyBroker)`,
      );
    }
  } else {
    note = `credential ${removed.credential} kept: other endpoints use it`;
  }
  // The host ends the removed endpoint's session itself (it is gone from config.json); a
  // kept, shared credential is unchanged, so its other endpoints stay unlocked.
  await notifyConfigChanged(ctx, removed.credentialUnused ? [removed.credential] : []);
  if (failure) throw failure;
  ctx.stdout.write(`removed ${removed.kind} endpoint ${removed.id} (${note})\n`);
  return 0;
}
