import { AuditRecord } from '../../base/contracts/audit-event.js';
import { CHAIN_FIELD, CHAIN_HASH } from './audit-chain.js';

/** One audit line taken apart: the record and its chain link (absent on lines from before chaining). */
export interface ParsedAuditLine {
  record: AuditRecord;
  /** The `prev` hash the line carries (audit-chain.ts). */
  prev?: string;
}

/**
 * One line of an audit file as a record and its chain link, or `undefined` when it is not
 * one (a torn line after a crash, a hand edit, a record from a newer version, a `prev`
 * that is not a SHA-256 hex).
 */
export function parseChainedAuditLine(line: string): ParsedAuditLine | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { [CHAIN_FIELD]: prev, ...rest } = raw as Record<string, unknown>;
  if (prev !== undefined && (typeof prev !== 'string' || !CHAIN_HASH.test(prev))) return undefined;
  const parsed = AuditRecord.safeParse(rest);
  if (!parsed.success) return undefined;
  return prev === undefined ? { record: parsed.data } : { record: parsed.data, prev };
}

/**
 * One line of an audit file as a record, or `undefined` when it is not one. Readers skip
 * and count such lines rather than stop: the rest of the trail is still worth showing. The
 * chain field is dropped: it is the file's integrity, not part of what happened.
 */
export function parseAuditLine(line: string): AuditRecord | undefined {
  return parseChainedAuditLine(line)?.record;
}
