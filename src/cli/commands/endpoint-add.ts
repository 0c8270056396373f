import { DEFAULT_TTL_SECONDS, type Config } from '../../base/contracts/config.js';
import { findKind, kindList } from '../../base/kinds/registry.js';
import { formatDuration } from '../../base/duration.js';
import { isKnownDomainTrust, unknownDomainTrustMessage } from '../../base/domain-trust.js';
import { ConfigStore } from '../../platform/config/config-store.js';
import { resolveHome } from '../../platform/config/home.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliContext } from '../command.js';
import { buildEndpointDraft, endpointAddOptions, endpointAddUsage, endpointAddUsages, type EndpointDraft } from '../endpoint-input.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { readPasswordFromStdin } from '../read-password.js';
import { openKeychain } from '../services.js';
import { verifyLogin } from '../verify-login.js';
import { bindStoredPassword, settledItem, writeTypedPassword } from '../../platform/keychain/password-envelope.js';
import { unboundLine, unfinishedLine } from '../unfinished-password-line.js';
import { storedPasswordFor } from '../stored-password-for.js';
import { notifyConfigChanged } from '../with-host.js';

/**
 * `keybroker endpoint add KIND NAME ...`: validate everything, store the password in the
 * keychain, then add the endpoint to config.json; roll the keychain back if that fails.
 */
export async function runEndpointAdd(ctx: CliContext, argv: readonly string[]): Promise<number> {
  // Security: refuse a password on the command line before anything else looks at argv:
  // argv is visible to every local user through ps and lands in shell history.
  if (argv.some((a) => a === '--password' || a.startsWith('--password=') || a === '-p')) {
    throw usageError('passwords are never taken from the command line (ps and shell history show them); pipe it in with --password-stdin');
  }
  // The kind word, its flags, usage and messages all come from its descriptor (base/kinds/).
  const kind = argv[0] === undefined ? undefined : findKind(argv[0]);
  if (!kind) throw usageError(`expected ${kindList()} after "endpoint add"; usage: ${endpointAddUsages()[0]}`);
  const usage = endpointAddUsage(kind);
  const { values, positionals } = parseCommandArgs(argv.slice(1), endpointAddOptions(kind), usage);
  const [name = ''] = takePositionals(positionals, ['NAME'], usage);
  const draft = buildEndpointDraft(kind.id, name, values);
  const credentialId = draft.endpoint.credential;

  const home = resolveHome(ctx.env);
  const store = new ConfigStore(home);
  const current = store.load();
  assertNameFree(current, draft.endpoint.id);
  // A shared domain credential that already exists may be reused without re-typing its password.
  const existingCredential = draft.domain !== undefined && current.credentials.some((c) => c.id === credentialId);
  if (!values['password-stdin'] && !existingCredential) {
    throw usageError(`the password is read from stdin only: add --password-stdin and pipe it in; usage: ${usage}`);
  }
  // Security: the stored domain password goes, without typing it, only where it went before:
  // the login test below would send it to a pin or CA file of the new endpoint's own at once
  // (D180, the same rule as the settings window's).
  if (!values['password-stdin'] && !isKnownDomainTrust(current, credentialId, draft.endpoint.tls)) {
    throw usageError(unknownDomainTrustMessage(draft.endpoint.id, draft.domain!, draft.endpoint.tls, 'with --password-stdin'));
  }
  const password = values['password-stdin'] ? await readPasswordFromStdin(ctx.stdin) : undefined;

  const keychain = await openKeychain(ctx);
  // Test the login before anything is stored: a typo fails now, not after the first approval.
  if (!values['no-verify']) {
    const testWith = password ?? (await keychain.get(credentialId));
    if (testWith === undefined) throw new CliError(`no password in the keychain for ${credentialId}; pipe it in with --password-stdin`);
    await verifyLogin(ctx, draft.endpoint, password ?? storedPasswordFor(draft.endpoint, testWith));
  }
  let rollback: (() => Promise<unknown>) | undefined;
  if (password !== undefined) {
    // Keychain first: a config entry without its secret would fail at unlock time, while a
    // secret without a config entry is rolled back below. Bound to where the saved config will
    // point, the replaced item kept beside it until then (D223): never bare.
    const previous = await writeTypedPassword(keychain, credentialId, password, [...current.endpoints, draft.endpoint], draft.endpoint.id);
    // A new item is deleted again only while no endpoint uses it: when the config write failed
    // because another `endpoint add` of the same name (or domain) won meanwhile, the item is the
    // winner's now, and deleting it would leave that endpoint without a password (D150).
    rollback = previous === undefined
      ? async () => (credentialInUse(store, credentialId) ? false : keychain.delete(credentialId))
      : () => keychain.set(credentialId, settledItem(previous, current.endpoints, credentialId)); // D227: never pending again
  }
  let saved: Config;
  try {
    saved = store.update((config) => addToConfig(config, draft, password !== undefined));
  } catch (e) {
    if (rollback) {
      await rollback().catch((re: unknown) => {
        ctx.stderr.write(`keybroker endpoint: could not roll back keychain item ${credentialId} (${(re as Error)?.message ?? String(re)}); delete it with your keychain tool (service KeyBroker)\n`);
      });
    }
    throw e;
  }
  // D198: the item says where the password may go (every endpoint that uses it now).
  const failed = await bindStoredPassword(keychain, saved, credentialId, password, draft.endpoint.id);
  if (failed) ctx.stderr.write((password === undefined ? unboundLine : unfinishedLine)(credentialId, draft.endpoint.id, failed));
  await notifyConfigChanged(ctx, [credentialId]);

  const ttl = saved.credentials.find((c) => c.id === credentialId)?.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const note = (existingCredential ? (password === undefined ? '; shared password kept' : '; shared password replaced') : '') + (values['no-verify'] ? '' : '; login tested');
  ctx.stdout.write(`added ${kind.id} endpoint ${draft.endpoint.id} (credential ${credentialId}, TTL ${formatDuration(ttl)}${note})\n`);
  return 0;
}

/** True when config.json, as it is now, has an endpoint using `credentialId` (false when it cannot be read). */
function credentialInUse(store: ConfigStore, credentialId: string): boolean {
  try {
    return store.load().endpoints.some((e) => e.credential === credentialId);
  } catch {
    return false;
  }
}

function assertNameFree(config: Config, id: string): void {
  const clash = config.endpoints.find((e) => e.id.toLowerCase() === id.toLowerCase());
  // No --replace on purpose: replacing would silently re-point a credential; update changes it in place.
  if (clash) throw new CliError(`endpoint ${clash.id} already exists; change it with 'keybroker endpoint update ${clash.id} ...' (see 'keybroker help')`);
}

/** The config with the endpoint (and its credential, if new) added. Re-checks against the fresh file. */
function addToConfig(config: Config, draft: EndpointDraft, typed: boolean): Config {
  assertNameFree(config, draft.endpoint.id);
  const id = draft.endpoint.credential;
  // Security: as above, on the file as it is under the lock (an endpoint removed meanwhile vouches for nothing).
  if (!typed && !isKnownDomainTrust(config, id, draft.endpoint.tls)) {
    throw usageError(unknownDomainTrustMessage(draft.endpoint.id, draft.domain!, draft.endpoint.tls, 'with --password-stdin'));
  }
  const has = config.credentials.some((c) => c.id === id);
  const credentials = has
    ? config.credentials.map((c) => (c.id === id && draft.ttlSeconds !== undefined ? { ...c, ttlSeconds: draft.ttlSeconds } : c))
    : [...config.credentials, { id, ...(draft.domain ? { domain: draft.domain } : {}), ttlSeconds: draft.ttlSeconds ?? DEFAULT_TTL_SECONDS }];
  return { ...config, endpoints: [...config.endpoints, draft.endpoint], credentials };
}
