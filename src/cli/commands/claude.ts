import { usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { didYouMean } from '../did-you-mean.js';
import { CLAUDE_INSTALL_USAGE, runClaudeInstall } from './claude-install.js';
import { CLAUDE_MCPB_USAGE, runClaudeMcpb } from './claude-mcpb.js';

const SUBCOMMANDS: Readonly<Record<string, (ctx: CliContext, argv: readonly string[]) => Promise<number>>> = {
  install: runClaudeInstall,
  mcpb: runClaudeMcpb,
};

/** `keybroker claude install|mcpb`: connect Claude Desktop to the bridge (docs/CLAUDE_DESKTOP.md). */
export const claudeCommand: Command = {
  name: 'claude',
  usage: [CLAUDE_INSTALL_USAGE, CLAUDE_MCPB_USAGE],
  summary: "add the servers to Claude Desktop's config, or build .mcpb extension bundles for it",
  async run(ctx: CliContext): Promise<number> {
    const [sub, ...rest] = ctx.argv;
    const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw usageError(`expected install or mcpb after "claude"${sub === undefined ? '' : didYouMean(sub, Object.keys(SUBCOMMANDS))}; run 'keybroker help' for the forms`);
    return run(ctx, rest);
  },
};
