import { ApprovalId, type ApprovalDecision } from '../base/contracts/approval.js';
import { usageError } from './cli-error.js';
import type { CliContext } from './command.js';
import { withHost } from './with-host.js';

/** What the CLI prints after each decision. */
const DONE: Record<ApprovalDecision, string> = {
  'allow-ttl': 'approved',
  'allow-once': 'approved once',
  deny: 'denied',
};

/**
 * Send one decision for approval `id` to the host. A malformed id is a usage error (exit 2);
 * an unknown one is the host's error (exit 1), printed as the host words it.
 */
export async function decideApproval(ctx: CliContext, id: string, decision: ApprovalDecision, usage: string): Promise<number> {
  const parsed = ApprovalId.safeParse(id.toLowerCase());
  if (!parsed.success) throw usageError(`ID must be the 8-character id shown by 'keybroker approvals'; usage: ${usage}`);
  const { decided } = await withHost(ctx, (client) => client.call('approvals.decide', { approval: parsed.data, decision }));
  ctx.stdout.write(`${DONE[decision]} ${decided}\n`);
  return 0;
}
