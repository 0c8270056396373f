import type { AuditRecord } from '../../base/contracts/audit-event.js';

/** One audit line as the broker writes it; the sink stamps `ts`. */
export type AuditInput = Omit<AuditRecord, 'ts'>;

/** Where the broker's audit lines go (platform/audit AuditLog in the host, an array in tests). */
export interface AuditSink {
  append(record: AuditInput): void;
  /**
   * Write a coalesced record (one with `count`) only if the log's budget for such records
   * has room, so they can never displace other history; the record as written, undefined
   * when it was not. Sinks without a budget (test arrays) leave it out: callers then `append`.
   */
  appendBounded?(record: AuditInput): AuditRecord | undefined;
}

/**
 * Write a coalesced record (one with `count`): through `appendBounded` where the sink has it,
 * so it can never rotate real history out (D47). False when the sink had no room: the caller
 * keeps the count for later.
 */
export function appendCoalesced(audit: AuditSink, record: AuditInput): boolean {
  if (audit.appendBounded) return audit.appendBounded(record) !== undefined;
  audit.append(record);
  return true;
}
