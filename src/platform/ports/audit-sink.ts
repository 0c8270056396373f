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
