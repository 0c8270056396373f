import type { CliContext, Command } from '../command.js';
import { decideApproval } from '../decide-approval.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';

const USAGE = 'keybroker deny ID';

/** `keybroker deny ID`: refuse a pending approval. */
export const denyCommand: Command = {
  name: 'deny',
  usage: [USAGE],
  summary: 'deny a pending approval',
  async run(ctx: CliContext): Promise<number> {
    const { positionals } = parseCommandArgs(ctx.argv, {}, USAGE);
    const [id = ''] = takePositionals(positionals, ['ID'], USAGE);
    return decideApproval(ctx, id, 'deny', USAGE);
  },
};
