import type { AuditRecord } from '../../base/contracts/audit-event.js';
import { BugError } from '../../base/errors/core-error.js';
import { cutBefore } from '../../base/surrogate-safe-cut.js';
import { AUDIT_FIELD_CHECKS } from './check-audit-record.js';

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
 * The string fields whose values the schema pins down (enums, ISO dates, the checkpoint key's
 * 16 hex, a config.json server's code digest, D260, a checkpoint's base64 signature, E3-tidy):
 * they cannot carry a secret, and `[redacted]` is none of their values, so a redacted
 * one would be a line `keybroker audit verify` refuses (a live 4-character secret inside
 * "allow" did that to `decision`, D4-tidy). Each is checked against its values instead
 * (AUDIT_FIELD_CHECKS, the schema's); redact-record.test.ts holds the list to the schema.
 */
export const PINNED_AUDIT_FIELDS: ReadonlySet<keyof AuditRecord> = new Set<keyof AuditRecord>(['ts', 'event', 'outcome', 'decision', 'expiresAt', 'since', 'last', 'keyId', 'codeSha256', 'sig']);

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
  return `${s.slice(0, cutBefore(s, AUDIT_MAX_STRING - 1))}…`;
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
 * are truncated; the pinned fields (PINNED_AUDIT_FIELDS) are kept as they are. The record must
 * already be valid; a new, equally valid record is returned.
 * @throws BugError when a pinned field holds a value its schema refuses (an unchecked record).
 */
export function redactRecord(record: AuditRecord, secrets: Iterable<string>): AuditRecord {
  const needles = secretNeedles(secrets);
  const out: Record<string, unknown> = {};
  // Keys, not entries: the same own keys in the same order, without an array per field.
  for (const key of Object.keys(record)) {
    const value: unknown = (record as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (PINNED_AUDIT_FIELDS.has(key as keyof AuditRecord)) {
      // Security: passed through unredacted only as one of its schema's values; anything else
      // in it is a caller's bug, never free text written as it came.
      if (!AUDIT_FIELD_CHECKS[key as keyof AuditRecord](value)) throw new BugError(`invalid audit record: ${key} is not one of its schema's values; validate the record before redactRecord`);
      out[key] = value;
    } else if (typeof value === 'string') out[key] = redactAuditString(value, needles);
    else if (Array.isArray(value)) {
      const names = value.slice(0, AUDIT_MAX_ARG_NAMES).map((v: string) => redactAuditString(v, needles));
      if (value.length > AUDIT_MAX_ARG_NAMES) names.push('…');
      out[key] = names;
    } else out[key] = value;
  }
  return out as AuditRecord;
}
