import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { toOneLine } from '../format/one-line.js';
import { formatTable } from '../format/table.js';
import { listAllTools, openGatewayClient } from '../open-gateway-client.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';

const USAGE = 'keybroker tools SERVER [--json]';

/** The annotations as one short word list: what a user checks before allowing a tool. */
export function describeAnnotations(t: Tool): string {
  const a = t.annotations ?? {};
  const words = [
    a.readOnlyHint === true ? 'read-only' : 'writes',
    ...(a.readOnlyHint !== true && a.destructiveHint !== false ? ['destructive'] : []),
    ...(a.idempotentHint === true ? ['idempotent'] : []),
    ...(a.openWorldHint === false ? ['closed-world'] : []),
  ];
  return words.join(', ');
}

/**
 * `keybroker tools SERVER`: the tools a server offers through the gateway (what a client's
 * `tools/list` returns, so read-only endpoints and policy are already applied), with their
 * annotations. `--json` prints the MCP tool objects, input schemas included.
 */
export const toolsCommand: Command = {
  name: 'tools',
  usage: [USAGE],
  summary: 'list the tools a server offers, with their annotations',
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } }, USAGE);
    const [server] = takePositionals(positionals, ['SERVER'], USAGE);
    if (!server) throw usageError(`missing SERVER; usage: ${USAGE}`);
    const client = await openGatewayClient(ctx, server, 'tools SERVER');
    try {
      const tools = await listAllTools(client, ctx.stopSignal);
      if (values.json) {
        ctx.stdout.write(`${JSON.stringify(tools, null, 2)}\n`);
        return 0;
      }
      const rows = tools.map((t) => [t.name, describeAnnotations(t), toOneLine((t.description ?? t.title ?? '').split('\n')[0] ?? '', 100)]);
      // Tool names and descriptions come from a child: formatTable's toOneLine keeps them from forging rows.
      ctx.stdout.write(formatTable(['TOOL', 'ANNOTATIONS', 'DESCRIPTION'], rows));
      return 0;
    } finally {
      await client.close();
    }
  },
};
