import type { AuditRecord } from '../../base/contracts/audit-event.js';
import { escapeUnsafeText } from '../../base/sanitize-text.js';

/** The optional fields in the order people read them: who/what first, details after. */
const FIELD_ORDER = [
  // A write's plan summary reads first (issue 11); its target and hash follow the details.
  'planSummary',
  'endpoint',
  'credential',
  'hosts',
  'unbound',
  'client',
  'server',
  'command',
  'tool',
  'outcome',
  'durationMs',
  'code',
  'reason',
  'decision',
  'rule',
  'ruleReason',
  'limits',
  'tools',
  'argNames',
  'pid',
  'approvalId',
  'objects',
  'planHash',
  'ttlSeconds',
  'expiresAt',
  'count',
  'since',
  'last',
] as const satisfies readonly (keyof AuditRecord)[];

/** Values made only of these print bare; anything else is quoted. */
const BARE = /^[A-Za-z0-9._:@/+-]+$/; // No comma: it separates argNames.
/** `\uXXXX` for each UTF-16 unit of `c`: lossless, and inert on a terminal. */
const escapeUnits = (c: string): string => Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

function quote(value: string): string {
  if (BARE.test(value)) return value;
  // Security: values can come from peers (client and tool names). JSON quoting escapes
  // newlines and C0 controls, so one record stays one line; the rest (C1 controls,
  // bidi overrides, invisible characters: the shared sanitizer's set) are escaped too so a
  // name cannot rewrite what the terminal shows.
  return escapeUnsafeText(JSON.stringify(value), escapeUnits);
}

/**
 * The human form of a record, one line:
 * `2026-11-24T10:00:00.000Z  unlock.approved  endpoint=vc1 client=claude`.
 * Keys are the JSON field names, so what you read is what you `grep`/`jq` for.
 */
export function formatAuditLine(record: AuditRecord): string {
  const parts: string[] = [];
  for (const key of FIELD_ORDER) {
    const value = record[key];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.map(quote).join(',') : quote(String(value));
    parts.push(`${key}=${text}`);
  }
  const head = `${record.ts}  ${record.event}`;
  return parts.length > 0 ? `${head}  ${parts.join(' ')}` : head;
}
