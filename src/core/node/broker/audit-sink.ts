import type { AuditRecord } from '../../common/contracts/audit-event.js';

/** One audit line as the broker writes it; the sink stamps `ts`. */
export type AuditInput = Omit<AuditRecord, 'ts'>;

/** Where the broker's audit lines go (core/node/audit AuditLog in the host, an array in tests). */
export interface AuditSink {
  append(record: AuditInput): void;
}
