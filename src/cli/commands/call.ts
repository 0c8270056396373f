import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { didYouMean } from '../did-you-mean.js';
import { toOneLine } from '../format/one-line.js';
import { listAllTools, openGatewayClient } from '../open-gateway-client.js';
import { parseCommandArgs } from '../parse-command-args.js';

const USAGE = 'keybroker call SERVER TOOL [--args JSON] [--json]';

/** Parse `--args`: a JSON object, or a usage error that says so. */
export function parseToolArgs(text: string | undefined): Record<string, unknown> {
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
 * Exit 1 when the tool reports an error (printed once, on stderr); exit 2 for an unknown tool,
 * with the nearest names.
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

    const client = await openGatewayClient(ctx, server, 'call SERVER TOOL');
    try {
      // Approvals may take a while: say what we wait for, on stderr so stdout stays the result.
      const hint = setTimeout(() => ctx.stderr.write(`keybroker call: waiting for KeyBroker (an approval may be pending: 'keybroker approvals')\n`), 1500);
      let result: CallToolResult;
      try {
        result = (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: 15 * 60 * 1000, signal: ctx.stopSignal })) as CallToolResult;
      } catch (e) {
        if (!(e instanceof McpError)) throw e;
        const tools = await listAllTools(client).catch(() => []);
        const names = tools.map((t) => t.name);
        if (names.length > 0 && !names.includes(tool)) {
          throw usageError(`${server} has no tool "${toOneLine(tool, 64)}"${didYouMean(tool, names) || `; run 'keybroker tools ${server}' for the list`}`);
        }
        throw new CliError(`${tool} failed: ${toOneLine(e.message.replace(/^MCP error -?\d+: /, ''), 1000)}`);
      } finally {
        clearTimeout(hint);
      }
      if (values.json) {
        ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return result.isError ? 1 : 0;
      }
      if (result.isError) {
        // Once, on stderr: stdout carries results only, so a script piping it sees nothing.
        throw new CliError(`${tool} failed: ${toOneLine(result.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ').trim(), 1000)}`);
      }
      for (const c of result.content) ctx.stdout.write(`${c.type === 'text' ? c.text : `[${c.type} content]`}\n`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
