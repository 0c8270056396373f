import type { Config } from '../../base/contracts/config.js';
import { ConfigStore } from '../../platform/config/config-store.js';
import { resolveHome } from '../../platform/config/home.js';
import { deleteApiKey, generateApiKey, readApiKey, storeApiKey } from '../../platform/http/api-key.js';
import { checkHttpPort, DEFAULT_HTTP_PORT, httpServerUrl, MIN_HTTP_PORT, normalizeApiKeyHeader, normalizeCorsOrigin } from '../../platform/http/http-settings.js';
import { usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { didYouMean } from '../did-you-mean.js';
import { toOneLine } from '../format/one-line.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { openKeychain } from '../services.js';
import { notifyConfigChanged } from '../with-host.js';
import { allKinds } from '../../base/kinds/registry.js';

const USAGE = {
  enable: 'keybroker http enable [--port N] [--cors ORIGIN ...] [--no-cors] [--header NAME] [--rate-limit N] [--json]',
  disable: 'keybroker http disable [--delete-key]',
  rotate: 'keybroker http rotate-key [--json]',
  status: 'keybroker http status [--json]',
} as const;

const ENABLE_OPTIONS = {
  port: { type: 'string' },
  cors: { type: 'string', multiple: true },
  'no-cors': { type: 'boolean' },
  header: { type: 'string' },
  'rate-limit': { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Http = Config['http'];

/** The front door settings after `enable`'s options; every value checked, usage errors otherwise. */
function enabledSettings(current: Http, values: { port?: string; cors?: string[]; 'no-cors'?: boolean; header?: string; 'rate-limit'?: string; json?: boolean }): Http {
  const port = values.port === undefined ? (current.port >= MIN_HTTP_PORT ? current.port : DEFAULT_HTTP_PORT) : Number(values.port);
  const portProblem = checkHttpPort(port);
  if (portProblem) throw usageError(`${portProblem}; usage: ${USAGE.enable}`);
  if (values.cors !== undefined && values['no-cors']) throw usageError(`--cors and --no-cors exclude each other; usage: ${USAGE.enable}`);
  let corsOrigins = values['no-cors'] ? [] : current.corsOrigins;
  if (values.cors !== undefined) {
    corsOrigins = values.cors.map((v) => {
      const r = normalizeCorsOrigin(v);
      if (!r.ok) throw usageError(r.reason);
      return r.origin;
    });
  }
  let apiKeyHeader = current.apiKeyHeader;
  if (values.header !== undefined) {
    const r = normalizeApiKeyHeader(values.header);
    if (!r.ok) throw usageError(r.reason);
    apiKeyHeader = r.header;
  }
  const rate = values['rate-limit'] === undefined ? current.rateLimitPerMinute : Number(values['rate-limit']);
  if (!Number.isInteger(rate) || rate < 1 || rate > 100_000) throw usageError(`--rate-limit must be a whole number of requests per minute from 1 to 100000; usage: ${USAGE.enable}`);
  return { enabled: true, port, apiKeyHeader, corsOrigins: [...new Set(corsOrigins)], rateLimitPerMinute: rate };
}

/** How clients present the key; printed with every newly shown key. */
function keyUsageLine(http: Http): string {
  return `Clients send it in the "${http.apiKeyHeader}" header, or as "Authorization: Bearer <key>".`;
}

/**
 * Security: the one place a key is shown. stdout only, once, on its own line so it can be
 * piped into a password manager; never stderr, never a file, never argv or env.
 */
function printNewKey(ctx: CliContext, key: string, http: Http): void {
  ctx.stdout.write(`New API key (shown only now; kept in the OS keychain as http:api-key):\n${key}\n${keyUsageLine(http)}\n`);
}

async function runEnable(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, ENABLE_OPTIONS, USAGE.enable);
  takePositionals(positionals, [], USAGE.enable);
  const store = new ConfigStore(resolveHome(ctx.env));
  const next = enabledSettings(store.load().http, values);
  const keychain = await openKeychain(ctx);
  let created: string | undefined;
  if ((await readApiKey(keychain)) === undefined) {
    created = generateApiKey();
    // Keychain first: an enabled front door without a key refuses everyone, and a new key
    // without the config change is rolled back below.
    await storeApiKey(keychain, created);
  }
  try {
    store.update((config) => ({ ...config, http: next }));
  } catch (e) {
    if (created !== undefined) {
      await deleteApiKey(keychain).catch(() => {
        ctx.stderr.write("keybroker http: could not roll back the new API key; run 'keybroker http disable --delete-key'\n");
      });
    }
    throw e;
  }
  // Security: the key is not sent to the host; it reads it from the keychain itself on reload.
  await notifyConfigChanged(ctx, []);
  if (values.json) {
    // For scripts (D151): the key once, as data; null when the existing one was kept.
    ctx.stdout.write(`${JSON.stringify({ url: httpServerUrl(next.port, 'SERVER'), port: next.port, apiKeyHeader: next.apiKeyHeader, apiKey: created ?? null }, null, 2)}\n`);
    return 0;
  }
  ctx.stdout.write(`HTTP front door enabled: ${httpServerUrl(next.port, 'SERVER')}, e.g. ${httpServerUrl(next.port, allKinds()[0]?.id ?? 'SERVER')} (127.0.0.1 only)\n`);
  if (created !== undefined) printNewKey(ctx, created, next);
  else ctx.stdout.write(`Using the existing API key (not shown again; 'keybroker http rotate-key' makes a new one). ${keyUsageLine(next)}\n`);
  return 0;
}

async function runDisable(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { 'delete-key': { type: 'boolean' } }, USAGE.disable);
  takePositionals(positionals, [], USAGE.disable);
  const store = new ConfigStore(resolveHome(ctx.env));
  // Config first: the host stops serving before the key it checks against disappears.
  store.update((config) => ({ ...config, http: { ...config.http, enabled: false } }));
  let note = "the API key is kept for the next 'keybroker http enable'";
  if (values['delete-key']) {
    const deleted = await deleteApiKey(await openKeychain(ctx));
    note = deleted ? 'the API key was deleted from the keychain' : 'there was no API key to delete';
  }
  await notifyConfigChanged(ctx, []);
  ctx.stdout.write(`HTTP front door disabled; ${note}\n`);
  return 0;
}

async function runRotateKey(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, USAGE.rotate);
  takePositionals(positionals, [], USAGE.rotate);
  const http = new ConfigStore(resolveHome(ctx.env)).load().http;
  const key = generateApiKey();
  await storeApiKey(await openKeychain(ctx), key);
  await notifyConfigChanged(ctx, []);
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify({ enabled: http.enabled, apiKeyHeader: http.apiKeyHeader, apiKey: key }, null, 2)}\n`);
    return 0;
  }
  printNewKey(ctx, key, http);
  ctx.stdout.write(
    http.enabled ? 'The old key no longer works; update your clients.\n' : "The HTTP front door is disabled; turn it on with 'keybroker http enable'.\n",
  );
  return 0;
}

async function runStatus(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, USAGE.status);
  takePositionals(positionals, [], USAGE.status);
  const http = new ConfigStore(resolveHome(ctx.env)).load().http;
  let apiKey: 'set' | 'missing' | 'unknown';
  try {
    apiKey = (await readApiKey(await openKeychain(ctx))) === undefined ? 'missing' : 'set';
  } catch {
    // Status must work where the keychain does not (a headless box without Secret Service).
    apiKey = 'unknown';
  }
  const url = http.port >= MIN_HTTP_PORT ? httpServerUrl(http.port, 'SERVER') : undefined;
  if (values.json) {
    ctx.stdout.write(JSON.stringify({ ...http, url: url ?? null, apiKey }, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `HTTP front door: ${http.enabled ? 'enabled' : "disabled (turn it on with 'keybroker http enable')"}`,
    `URL:         ${url ?? '-'}`,
    `API key:     ${apiKey === 'set' ? `set (header ${http.apiKeyHeader} or Authorization: Bearer)` : apiKey === 'missing' ? "missing ('keybroker http enable' creates one)" : 'unknown (keychain unavailable)'}`,
    `CORS:        ${http.corsOrigins.length === 0 ? 'no browser origins' : toOneLine(http.corsOrigins.join(', '))}`,
    `Rate limit:  ${http.rateLimitPerMinute} requests per minute`,
  ];
  ctx.stdout.write(lines.join('\n') + '\n');
  return 0;
}

const SUBCOMMANDS: Readonly<Record<string, (ctx: CliContext, argv: readonly string[]) => Promise<number>>> = {
  enable: runEnable,
  disable: runDisable,
  'rotate-key': runRotateKey,
  status: runStatus,
};

/** `keybroker http enable|disable|rotate-key|status`: the Streamable HTTP front door on 127.0.0.1 and its API key. */
export const httpCommand: Command = {
  name: 'http',
  usage: Object.values(USAGE),
  summary: 'the local Streamable HTTP front door (off by default) and its API key in the OS keychain',
  async run(ctx: CliContext): Promise<number> {
    const [sub, ...rest] = ctx.argv;
    const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw usageError(`expected enable, disable, rotate-key or status after "http"${sub === undefined ? '' : didYouMean(sub, Object.keys(SUBCOMMANDS))}; run 'keybroker help' for the forms`);
    return run(ctx, rest);
  },
};
