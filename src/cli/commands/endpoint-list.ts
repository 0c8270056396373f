import type { Endpoint } from '../../base/contracts/endpoint.js';
import { ConfigStore } from '../../platform/config/config-store.js';
import { resolveHome } from '../../platform/config/home.js';
import type { CliContext } from '../command.js';
import { formatTable } from '../format/table.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';

/** Usage of `endpoint list`. */
export const ENDPOINT_LIST_USAGE = 'keybroker endpoint list [--json]';

/** How an endpoint's server certificate is checked, in words. */
export function describeTls(endpoint: Endpoint): string {
  const parts: string[] = [];
  if (endpoint.tls.fingerprintSha256) parts.push('fingerprint-pinned');
  if (endpoint.tls.caFile) parts.push('custom CA');
  if (parts.length === 0) parts.push(endpoint.url.startsWith('http:') ? 'none (loopback http)' : 'system CA');
  return parts.join(', ');
}

/** `keybroker endpoint list [--json]`: the configured endpoints; `--json` prints the Endpoint array. */
export async function runEndpointList(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, ENDPOINT_LIST_USAGE);
  takePositionals(positionals, [], ENDPOINT_LIST_USAGE);
  const config = new ConfigStore(resolveHome(ctx.env)).load();
  if (values.json) {
    ctx.stdout.write(JSON.stringify(config.endpoints, null, 2) + '\n');
    return 0;
  }
  if (config.endpoints.length === 0) {
    ctx.stdout.write("no endpoints; add one with 'keybroker endpoint add vsphere NAME --url URL --user U --password-stdin'\n");
    return 0;
  }
  const rows = config.endpoints.map((e) => [e.id, e.kind, e.url, e.username, e.credential, e.readOnly ? 'yes' : 'no', describeTls(e)]);
  ctx.stdout.write(formatTable(['NAME', 'KIND', 'URL', 'USER', 'CREDENTIAL', 'READ-ONLY', 'TLS'], rows));
  return 0;
}
