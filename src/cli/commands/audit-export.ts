import path from 'node:path';
import { readRetainedAuditLines } from '../../platform/audit/read-audit.js';
import { homePaths, resolveHome } from '../../platform/config/home.js';
import { writeFileAtomic } from '../../platform/fs/atomic-write.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliContext } from '../command.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';

export const AUDIT_EXPORT_USAGE = 'keybroker audit export --format jsonl|otlp [--out FILE]';

/**
 * `keybroker audit export`: the whole retained trail (rotated files oldest first, then the
 * live log), as stored, so redacted. `jsonl` writes the stored lines byte for byte (chain
 * links included: `audit verify` logic applies to them); `otlp` writes one OTLP/JSON logs
 * export request body, ready to POST to a collector's `/v1/logs`. `--out` writes the file
 * atomically with mode 0600 (an audit trail is private); otherwise stdout.
 */
export async function runAuditExport(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const options = { format: { type: 'string' }, out: { type: 'string' } } as const;
  const { values, positionals } = parseCommandArgs(argv, options, AUDIT_EXPORT_USAGE);
  takePositionals(positionals, [], AUDIT_EXPORT_USAGE);
  if (values.format !== 'jsonl' && values.format !== 'otlp') {
    throw usageError(`--format must be jsonl or otlp${values.format === undefined ? ' (it is required)' : `, not "${values.format}"`}; usage: ${AUDIT_EXPORT_USAGE}`);
  }
  if (values.out === '') throw usageError(`--out needs a file name; usage: ${AUDIT_EXPORT_USAGE}`);
  const { lines, malformed } = readRetainedAuditLines(homePaths(resolveHome(ctx.env)).audit);
  const text = values.format === 'jsonl'
    ? lines.map((l) => `${l.text}\n`).join('')
    // Loaded only here: the OpenTelemetry SDK would otherwise cost every CLI start.
    : `${await (await import('../../platform/audit/audit-otlp.js')).auditOtlpRequestJson(lines.map((l) => l.record))}\n`;
  if (values.out === undefined) {
    ctx.stdout.write(text);
  } else {
    const out = path.resolve(values.out);
    try {
      writeFileAtomic(out, text);
    } catch (e) {
      throw new CliError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check the folder exists and is writable`);
    }
    ctx.stderr.write(`keybroker audit export: wrote ${lines.length} record(s) to ${out}\n`);
  }
  if (malformed > 0) ctx.stderr.write(`keybroker audit export: skipped ${malformed} line(s) that are not records; run 'keybroker audit verify'\n`);
  return 0;
}
