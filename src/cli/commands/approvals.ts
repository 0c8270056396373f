import { formatDuration } from '../../base/duration.js';
import type { CliContext, Command } from '../command.js';
import { describeApproval, describeClient, describePlan } from '../format/describe-approval.js';
import { formatTable } from '../format/table.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { nowOf } from '../services.js';
import { withHost } from '../with-host.js';

const USAGE = 'keybroker approvals [--json]';

/** `keybroker approvals [--json]`: what waits for a decision; `--json` prints the ApprovalRequest array. */
export const approvalsCommand: Command = {
  name: 'approvals',
  usage: [USAGE],
  summary: 'pending approvals (answer with approve / deny)',
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } }, USAGE);
    takePositionals(positionals, [], USAGE);
    const approvals = await withHost(ctx, (client) => client.call('approvals.list'));
    if (values.json) {
      ctx.stdout.write(JSON.stringify(approvals, null, 2) + '\n');
      return 0;
    }
    if (approvals.length === 0) {
      ctx.stdout.write('no pending approvals\n');
      return 0;
    }
    const now = nowOf(ctx);
    const rows = approvals.map((a) => [
      a.id,
      formatDuration((now - a.createdAt) / 1000),
      a.expiresAt > now ? formatDuration(Math.ceil((a.expiresAt - now) / 1000)) : 'expired',
      describeClient(a),
      a.server,
      a.endpoint,
      describeApproval(a),
    ]);
    ctx.stdout.write(formatTable(['ID', 'AGE', 'EXPIRES IN', 'CLIENT', 'SERVER', 'ENDPOINT', 'WHAT'], rows));
    const plans = approvals.flatMap(describePlan);
    if (plans.length > 0) ctx.stdout.write(`\ndetails (where each unlock sends its password; what each write will change, as read just now):\n${plans.join('\n')}\n`);
    ctx.stdout.write("answer with 'keybroker approve ID [--once]' or 'keybroker deny ID'\n");
    return 0;
  },
};
