import { homePaths, resolveHome } from '../../platform/config/home.js';
import { describeAuditVerify, verifyAuditChain } from '../../platform/audit/verify-audit.js';
import type { CliContext } from '../command.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';

export const AUDIT_VERIFY_USAGE = 'keybroker audit verify';

/**
 * `keybroker audit verify`: check the hash chain over every retained audit file (issue 14
 * item 4). Exit 0 with a one-line summary, or 1 with one line naming the file and line of
 * the first broken link. Reads the files directly; the host may be running.
 */
export async function runAuditVerify(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {}, AUDIT_VERIFY_USAGE);
  takePositionals(positionals, [], AUDIT_VERIFY_USAGE);
  const result = verifyAuditChain(homePaths(resolveHome(ctx.env)).audit);
  if (result.ok) {
    ctx.stdout.write(`${describeAuditVerify(result)}\n`);
    return 0;
  }
  ctx.stderr.write(`keybroker audit verify: ${describeAuditVerify(result)}; keep the files as they are for investigation\n`);
  return 1;
}
