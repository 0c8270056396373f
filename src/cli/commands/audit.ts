import { parseArgs } from 'node:util';
import type { AuditRecord } from '../../base/contracts/audit-event.js';
import { formatAuditLine } from '../../platform/audit/format-audit-line.js';
import { readAudit } from '../../platform/audit/read-audit.js';
import { tailAudit } from '../../platform/audit/tail-audit.js';
import { homePaths, resolveHome } from '../../platform/config/home.js';
import { usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { refuseRepeatedValues, toParseUsageError } from '../parse-command-args.js';
import { AUDIT_EXPORT_USAGE, runAuditExport } from './audit-export.js';
import { AUDIT_VERIFY_USAGE, runAuditVerify } from './audit-verify.js';

const USAGE = 'keybroker audit [--follow] [--json] [--all] [--limit N] [--event NAME] [--endpoint NAME]';

/**
 * `keybroker audit`: print the audit trail, oldest first; `--follow` keeps printing new
 * records until Ctrl-C. `--json` prints JSON lines (one record per line), for scripts and jq.
 * Reads the file directly, so it works whether or not the host runs.
 */
export const auditCommand: Command = {
  name: 'audit',
  usage: [USAGE, AUDIT_VERIFY_USAGE, AUDIT_EXPORT_USAGE],
  summary: 'print (or --follow) the audit trail; verify its hash chain; export it (jsonl, otlp)',
  async run(ctx: CliContext): Promise<number> {
    const [sub, ...rest] = ctx.argv;
    if (sub === 'verify') return runAuditVerify(ctx, rest);
    if (sub === 'export') return runAuditExport(ctx, rest);
    let values;
    let tokens;
    const options = {
      follow: { type: 'boolean', short: 'f' }, json: { type: 'boolean' }, all: { type: 'boolean' },
      limit: { type: 'string' }, event: { type: 'string' }, endpoint: { type: 'string' },
    } as const;
    try {
      ({ values, tokens } = parseArgs({ args: [...ctx.argv], strict: true, allowPositionals: false, options, tokens: true }));
    } catch (e) {
      throw toParseUsageError(e, options, USAGE);
    }
    refuseRepeatedValues(tokens, options, USAGE);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) throw usageError(`--limit takes a whole number above 0; usage: ${USAGE}`);

    const home = resolveHome(ctx.env);
    const keep = (r: AuditRecord) => (!values.event || r.event === values.event || r.event.startsWith(`${values.event}.`)) && (!values.endpoint || r.endpoint === values.endpoint);
    const print = (r: AuditRecord) => ctx.stdout.write(`${values.json ? JSON.stringify(r) : formatAuditLine(r)}\n`);

    const { records, malformed } = readAudit(home, { fromRotated: values.all === true });
    const shown = records.filter(keep);
    for (const r of limit === undefined ? shown : shown.slice(-limit)) print(r);
    if (malformed > 0) ctx.stderr.write(`keybroker audit: skipped ${malformed} malformed line(s); the file may have been edited by hand\n`);
    if (!values.follow) return 0;

    // Follow from the end of what was just printed: tailAudit starts at the current end.
    await tailAudit(homePaths(home).audit, (r) => { if (keep(r)) print(r); }, ctx.stopSignal);
    return 0;
  },
};
