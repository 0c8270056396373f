import { homePaths, resolveHome } from '../../platform/config/home.js';
import { readCheckpointKey } from '../../platform/audit/checkpoint-key.js';
import { describeAuditVerify, verifyAuditChain } from '../../platform/audit/verify-audit.js';
import type { CliContext } from '../command.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { openKeychain } from '../services.js';

export const AUDIT_VERIFY_USAGE = 'keybroker audit verify';

/**
 * `keybroker audit verify`: check the hash chain over every retained audit file (issue 14
 * item 4). Exit 0 with a one-line summary, or 1 with one line naming the file and line of
 * the first broken link. Reads the files directly; the host may be running.
 */
export async function runAuditVerify(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {}, AUDIT_VERIFY_USAGE);
  takePositionals(positionals, [], AUDIT_VERIFY_USAGE);
  const file = homePaths(resolveHome(ctx.env)).audit;
  let result = verifyAuditChain(file);
  let note = '';
  // Signed checkpoints are checked against the key in the home's keychain, opened only
  // when the files hold checkpoints (issue 14 item 4).
  if (result.ok && result.checkpoints.count > 0) {
    try {
      const checkpointKey = await readCheckpointKey(await openKeychain(ctx));
      if (checkpointKey) result = verifyAuditChain(file, { checkpointKey });
      else note = "; the keychain holds no audit key (item 'audit:checkpoint-key'), so signatures were not checked";
    } catch (e) {
      note = `; signatures not checked: the keychain could not be read (${e instanceof Error ? e.message.slice(0, 200) : String(e)})`;
    }
  }
  if (result.ok) {
    ctx.stdout.write(`${describeAuditVerify(result)}${note}\n`);
    return 0;
  }
  ctx.stderr.write(`keybroker audit verify: ${describeAuditVerify(result)}; keep the files as they are for investigation\n`);
  return 1;
}
