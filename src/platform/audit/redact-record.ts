import type { AuditRecord } from '../../base/contracts/audit-event.js';

/** What replaces a whole string field that contains a live secret. */
export const REDACTED = '[redacted]';
/** Longest string written to the audit log; longer values are cut and end with `…`. */
export const AUDIT_MAX_STRING = 512;
/** Most argument names recorded for one tool call; a longer list ends with `…`. */
export const AUDIT_MAX_ARG_NAMES = 64;
/**
 * Secrets shorter than this are not searched for: a 1-3 character value would match
 * nearly every field and wipe the log, and no token or API key we hold is that short.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Fields whose format the schema pins down (ISO dates, enums): they cannot carry a secret,
 * and redacting them would only break the record.
 */
const STRUCTURED_FIELDS: ReadonlySet<string> = new Set(['ts', 'event', 'outcome', 'expiresAt']);

/**
 * The forms in which a secret could show up inside a logged string: as is, and
 * URL-encoded (query strings, cookies). Computed once per record.
 */
export function secretNeedles(secrets: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
    out.add(s);
    out.add(encodeURIComponent(s)); // The same string when nothing needs encoding: the set keeps one.
  }
  return [...out];
}

/** Cut `s` to AUDIT_MAX_STRING characters, never splitting a surrogate pair. */
export function truncateAuditString(s: string): string {
  if (s.length <= AUDIT_MAX_STRING) return s;
  let end = AUDIT_MAX_STRING - 1;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1; // high surrogate: its pair would be cut off.
  return `${s.slice(0, end)}…`;
}

/** One free-text string field as written: `[redacted]` when it holds a needle (secretNeedles), else truncated. */
export function redactAuditString(value: string, needles: readonly string[]): string {
  // Security: the whole field goes, not just the match, so no neighbouring text hints at
  // the secret's length or position. Checked before truncation, so a secret straddling
  // the cut cannot survive half-written.
  if (needles.some((n) => value.includes(n))) return REDACTED;
  return truncateAuditString(value);
}

/**
 * Defence in depth before a record is written: every free-text string field (and each
 * argument name) containing one of `secrets` becomes `[redacted]`, and over-long strings
 * are truncated. The record must already be valid; a new, equally valid record is returned.
 */
export function redactRecord(record: AuditRecord, secrets: Iterable<string>): AuditRecord {
  const needles = secretNeedles(secrets);
  const out: Record<string, unknown> = {};
  // Keys, not entries: the same own keys in the same order, without an array per field.
  for (const key of Object.keys(record)) {
    const value: unknown = (record as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (STRUCTURED_FIELDS.has(key)) out[key] = value;
    else if (typeof value === 'string') out[key] = redactAuditString(value, needles);
    else if (Array.isArray(value)) {
      const names = value.slice(0, AUDIT_MAX_ARG_NAMES).map((v: string) => redactAuditString(v, needles));
      if (value.length > AUDIT_MAX_ARG_NAMES) names.push('…');
      out[key] = names;
    } else out[key] = value;
  }
  return out as AuditRecord;
}
