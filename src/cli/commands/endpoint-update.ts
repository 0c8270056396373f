import type { Config } from '../../base/contracts/config.js';
import type { Endpoint } from '../../base/contracts/endpoint.js';
import { formatDuration } from '../../base/duration.js';
import { isKnownDomainTrust, unknownDomainTrustMessage } from '../../base/domain-trust.js';
import type { KindField } from '../../base/kinds/kind-descriptor.js';
import { allKinds, kindFieldValues, kindOf } from '../../base/kinds/registry.js';
import { ConfigStore } from '../../platform/config/config-store.js';
import { resolveHome } from '../../platform/config/home.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliContext } from '../command.js';
import { didYouMean } from '../did-you-mean.js';
import { buildEndpointDraft, type EndpointAddValues, type EndpointDraft } from '../endpoint-input.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { readPasswordFromStdin } from '../read-password.js';
import { openKeychain } from '../services.js';
import { verifyLogin } from '../verify-login.js';
import { bindStoredPassword, settledItem, writeTypedPassword } from '../../platform/keychain/password-envelope.js';
import { unboundLine, unfinishedLine } from '../unfinished-password-line.js';
import { storedPasswordFor } from '../stored-password-for.js';
import { notifyConfigChanged } from '../with-host.js';

/** The kind fields `update` may change, over every registered kind, each flag once. */
function updatableFields(): KindField[] {
  const byFlag = new Map<string, KindField>();
  for (const k of allKinds()) for (const f of k.fields) if (f.updatable && !byFlag.has(f.flag)) byFlag.set(f.flag, f);
  return [...byFlag.values()];
}

/** Usage of `endpoint update`; the kinds' updatable fields (P6 `--database`) come from their descriptors. */
export function endpointUpdateUsage(): string {
  const own = updatableFields().map((f) => ` [--${f.flag} ${f.metavar}]`).join('');
  return `keybroker endpoint update NAME [--url URL] [--user U]${own} [--fingerprint SHA256] [--ca FILE] [--read-only|--read-write] [--ttl 4h] [--no-verify] [--password-stdin]`;
}

const COMMON_OPTIONS = {
  url: { type: 'string' },
  user: { type: 'string' },
  fingerprint: { type: 'string' },
  ca: { type: 'string' },
  'read-only': { type: 'boolean' },
  'read-write': { type: 'boolean' },
  ttl: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'no-verify': { type: 'boolean' },
} as const;

/** Fields whose change makes an existing upstream session stale: it was made with the old values (and the kind's own fields). */
const SESSION_FIELDS = ['url', 'username', 'tls'] as const;

/**
 * `keybroker endpoint update NAME ...`: change an endpoint in place (URL, user, TLS pin or CA,
 * read-only, TTL) and/or its password, after testing the login with the new values (issue 16).
 *
 * Order: validate, test the login, keychain, config.json (rolling the keychain back if the
 * config write fails), then tell a running host, which logs out the old session and drops the
 * unlock of a changed credential so the next call logs in with the new values.
 */
export async function runEndpointUpdate(ctx: CliContext, argv: readonly string[]): Promise<number> {
  // Security: as in `add`, a password on the command line is refused before argv is parsed.
  if (argv.some((a) => a === '--password' || a.startsWith('--password=') || a === '-p')) {
    throw usageError('passwords are never taken from the command line (ps and shell history show them); pipe it in with --password-stdin');
  }
  const usage = endpointUpdateUsage();
  const own = updatableFields();
  const options: Record<string, { type: 'string' | 'boolean' }> = { ...COMMON_OPTIONS, ...Object.fromEntries(own.map((f) => [f.flag, { type: 'string' as const }])) };
  const { values, positionals } = parseCommandArgs(argv, options, usage);
  const [name = ''] = takePositionals(positionals, ['NAME'], usage);
  if (values['read-only'] && values['read-write']) throw usageError(`--read-only and --read-write contradict each other; give one; usage: ${usage}`);
  const changing = Object.keys(values).filter((k) => k !== 'no-verify');
  if (changing.length === 0) throw usageError(`nothing to change; give at least one option; usage: ${usage}`);

  const store = new ConfigStore(resolveHome(ctx.env));
  const current = store.load();
  const old = findEndpoint(current, name);
  const oldKind = kindOf(old.kind);
  for (const f of own) {
    if (values[f.flag] === undefined || oldKind.fields.some((g) => g.flag === f.flag && g.updatable)) continue;
    const kinds = allKinds().filter((k) => k.fields.some((g) => g.flag === f.flag && g.updatable)).map((k) => k.id);
    throw usageError(`--${f.flag} applies to ${kinds.join(' and ')} endpoints only; ${old.id} is ${old.kind}`);
  }
  const draft = buildEndpointDraft(old.kind, old.id, mergedValues(current, old, values));
  const next = draft.endpoint;

  // Security: a domain password without typing it only with a trust it was typed for (the
  // system's store, or another endpoint's pin or CA file): the login test below would send it
  // to a new pin at once (D180, the settings window's rule). An endpoint's own
  // password moves with the URL as before (D172: the user's own shell).
  const domain = current.credentials.find((c) => c.id === old.credential)?.domain;
  if (!values['password-stdin'] && domain !== undefined && !isKnownDomainTrust(current, old.credential, next.tls)) {
    throw usageError(unknownDomainTrustMessage(next.id, domain, next.tls, 'with --password-stdin'));
  }
  const password = values['password-stdin'] ? await readPasswordFromStdin(ctx.stdin) : undefined;
  const keychain = await openKeychain(ctx);
  const sessionChanged = password !== undefined || SESSION_FIELDS.some((f) => JSON.stringify(old[f]) !== JSON.stringify(next[f]))
    || JSON.stringify(kindFieldValues(old)) !== JSON.stringify(kindFieldValues(next));
  // Test what the next session will use: the new password, or the stored one against new settings.
  if (!values['no-verify'] && (sessionChanged || values['password-stdin'])) {
    const testWith = password ?? (await keychain.get(next.credential));
    if (testWith === undefined) throw new CliError(`no password in the keychain for ${next.credential}; pipe it in with --password-stdin`);
    await verifyLogin(ctx, next, password ?? storedPasswordFor(next, testWith));
  }

  let rollback: (() => Promise<unknown>) | undefined;
  if (password !== undefined) {
    // D223: bound to where the saved config will point, the replaced item kept
    // beside it until then, so a crash between the two writes leaves no bare item.
    const previous = await writeTypedPassword(keychain, next.credential, password, current.endpoints.map((e) => (e.id === old.id ? next : e)), next.id);
    // Restored settled against the config that stays (D227): an item an earlier
    // run left pending must not come back with the replaced password beside the new one.
    rollback = previous === undefined ? () => keychain.delete(next.credential) : () => keychain.set(next.credential, settledItem(previous, current.endpoints, next.credential));
  }
  let saved: Config;
  try {
    saved = store.update((config) => replaceInConfig(config, old.id, draft, password === undefined ? domain : undefined));
  } catch (e) {
    await rollback?.().catch((re: unknown) => {
      ctx.stderr.write(`keybroker endpoint: could not restore keychain item ${next.credential} (${(re as Error)?.message ?? String(re)}); set it again with 'keybroker endpoint update ${old.id} --password-stdin'\n`);
    });
    throw e;
  }
  // D198: a typed password is bound to every endpoint that uses it now; an untyped
  // move D180 allowed (a domain's known trust) adds its binding.
  if (password !== undefined || domain !== undefined) {
    const failed = await bindStoredPassword(keychain, saved, next.credential, password, next.id);
    if (failed) ctx.stderr.write((password === undefined ? unboundLine : unfinishedLine)(next.credential, next.id, failed));
  }
  // Security: a changed password or upstream must not keep serving the old session.
  await notifyConfigChanged(ctx, sessionChanged ? [next.credential] : []);

  const shared = saved.endpoints.filter((e) => e.credential === next.credential && e.id !== next.id).map((e) => e.id);
  const notes = [
    ...changing.filter((k) => k !== 'password-stdin').map((k) => `${k.replace('read-write', 'read-only')} ${changeNote(k, saved, next)}`),
    ...(password === undefined ? [] : [shared.length ? `password replaced (also used by ${shared.join(', ')})` : 'password replaced']),
    ...(sessionChanged ? [values['no-verify'] ? 'login not tested' : 'login tested', 'any old session ended'] : []),
  ];
  ctx.stdout.write(`updated ${next.kind} endpoint ${next.id} (${notes.join('; ')})\n`);
  return 0;
}

function findEndpoint(config: Config, name: string): Endpoint {
  const found = config.endpoints.find((e) => e.id.toLowerCase() === name.toLowerCase());
  if (found) return found;
  const hint = didYouMean(name, config.endpoints.map((e) => e.id));
  throw new CliError(`no endpoint named ${JSON.stringify(name)}${hint || "; see 'keybroker endpoint list'"}`);
}

/** The existing endpoint's settings as `add` options, overridden by what the user gave. */
function mergedValues(config: Config, old: Endpoint, v: Readonly<Record<string, string | boolean | undefined>>): EndpointAddValues {
  const domain = config.credentials.find((c) => c.id === old.credential)?.domain;
  const str = (x: string | boolean | undefined): string | undefined => (typeof x === 'string' ? x : undefined);
  const readOnly = v['read-only'] === true ? true : v['read-write'] === true ? false : old.readOnly;
  return {
    url: str(v['url']) ?? old.url,
    user: str(v['user']) ?? old.username,
    // The kind's own fields: kept, unless `update` may change one and it was given.
    ...Object.fromEntries(kindOf(old.kind).fields.map((f) => [f.flag, (f.updatable ? str(v[f.flag]) : undefined) ?? kindFieldValues(old)[f.key]])),
    ...(domain ? { domain } : {}),
    fingerprint: str(v['fingerprint']) ?? old.tls.fingerprintSha256,
    ca: str(v['ca']) ?? old.tls.caFile,
    'read-only': readOnly,
    ttl: str(v['ttl']),
  };
}

/**
 * The config with endpoint `id` replaced by the draft and its credential's TTL updated.
 * Re-checks the fresh file; `untypedDomain` is the domain whose password was not typed.
 */
function replaceInConfig(config: Config, id: string, draft: EndpointDraft, untypedDomain: string | undefined): Config {
  const i = config.endpoints.findIndex((e) => e.id === id);
  if (i < 0) throw new CliError(`endpoint ${id} was removed meanwhile; add it with 'keybroker endpoint add'`);
  // Security: the domain trust check again, on the file as it is under the lock.
  if (untypedDomain !== undefined && !isKnownDomainTrust(config, draft.endpoint.credential, draft.endpoint.tls)) {
    throw usageError(unknownDomainTrustMessage(draft.endpoint.id, untypedDomain, draft.endpoint.tls, 'with --password-stdin'));
  }
  const endpoints = config.endpoints.map((e, j) => (j === i ? draft.endpoint : e));
  const credentials = config.credentials.map((c) => (c.id === draft.endpoint.credential && draft.ttlSeconds !== undefined ? { ...c, ttlSeconds: draft.ttlSeconds } : c));
  return { ...config, endpoints, credentials };
}

/** How a changed option reads in the success line, e.g. "ttl 2h". */
function changeNote(key: string, config: Config, e: Endpoint): string {
  switch (key) {
    case 'url': return e.url;
    case 'user': return e.username;
    case 'fingerprint': return 'pinned';
    case 'ca': return e.tls.caFile ?? '';
    case 'read-only':
    case 'read-write': return e.readOnly ? 'on' : 'off';
    case 'ttl': return formatDuration(config.credentials.find((c) => c.id === e.credential)?.ttlSeconds ?? 0);
    default: {
      // A kind's own field (P6 `--database`): its new value.
      const f = kindOf(e.kind).fields.find((g) => g.flag === key);
      return f ? (kindFieldValues(e)[f.key] ?? '') : '';
    }
  }
}
