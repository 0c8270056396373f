import type { CliContext, Command } from '../command.js';
import { decideApproval } from '../decide-approval.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';

const USAGE = 'keybroker approve ID [--once]';

/** `keybroker approve ID [--once]`: allow for the credential's TTL (`allow-ttl`), or just this once. */
export const approveCommand: Command = {
  name: 'approve',
  usage: [USAGE],
  summary: 'allow a pending approval (for the TTL, or --once)',
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs(ctx.argv, { once: { type: 'boolean' } }, USAGE);
    const [id = ''] = takePositionals(positionals, ['ID'], USAGE);
    return decideApproval(ctx, id, values.once ? 'allow-once' : 'allow-ttl', USAGE);
  },
};
