import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { resolveHome } from '../../core/node/config/home.js';
import { connectGateway } from '../../core/node/gateway/connect-gateway.js';
import { gatewaySocketPath } from '../../core/node/gateway/gateway-socket-path.js';
import { usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { toOneLine } from '../format/one-line.js';
import { parseCommandArgs } from '../parse-command-args.js';

const USAGE = 'keybroker call SERVER TOOL [--args JSON] [--json]';

/** Parse `--args`: a JSON object, or a usage error that says so. */
function parseToolArgs(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw usageError(`--args is not valid JSON; pass an object such as '{"endpoint":"vc1"}'`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usageError(`--args must be a JSON object such as '{"endpoint":"vc1"}'`);
  return value as Record<string, unknown>;
}

/**
 * `keybroker call SERVER TOOL`: one tool call through the gateway, as any MCP client makes it
 * (same policy, approvals and audit). Prints the text content, or the raw result with `--json`.
 * Exit 1 when the tool reports an error.
 */
export const callCommand: Command = {
  name: 'call',
  usage: [USAGE],
  summary: 'make one tool call through the gateway and print the result',
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs(ctx.argv, { args: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    const [server, tool, ...extra] = positionals;
    if (!server || !tool || extra.length > 0) throw usageError(`expected a server and a tool; usage: ${USAGE}`);
    const args = parseToolArgs(values.args as string | undefined);

    const home = resolveHome(ctx.env);
    const transport = await connectGateway({ socketPath: gatewaySocketPath(home, ctx.env), server, client: 'keybroker-cli' });
    const client = new Client({ name: 'keybroker-cli', version: '0.1.0' }, { capabilities: {} });
    await client.connect(transport);
    try {
      // Approvals may take a while: say what we wait for, on stderr so stdout stays the result.
      const hint = setTimeout(() => ctx.stderr.write(`keybroker call: waiting for KeyBroker (an approval may be pending: 'keybroker approvals')\n`), 1500);
      let result: CallToolResult;
      try {
        result = (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: 15 * 60 * 1000, signal: ctx.stopSignal })) as CallToolResult;
      } finally {
        clearTimeout(hint);
      }
      if (values.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else for (const c of result.content) ctx.stdout.write(`${c.type === 'text' ? c.text : `[${c.type} content]`}\n`);
      if (result.isError) {
        ctx.stderr.write(`keybroker call: ${tool} failed: ${toOneLine(result.content.map((c) => (c.type === 'text' ? c.text : '')).join(' '), 300)}\n`);
        return 1;
      }
      return 0;
    } finally {
      await client.close();
    }
  },
};
