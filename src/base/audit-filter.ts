import type { AuditRecord } from './contracts/audit-event.js';

/** The audit view's filter (see ipc-channels `AuditFilter`). */
export interface AuditFilterInput {
  readonly event?: string;
  readonly endpoint?: string;
  readonly text?: string;
}

/**
 * True when `record` passes `filter`: exact event and endpoint, and a case-insensitive
 * substring over every field. Shared by main (query) and renderer (live tail).
 */
export function matchesAuditFilter(record: AuditRecord, filter: AuditFilterInput): boolean {
  if (filter.event && record.event !== filter.event) return false;
  if (filter.endpoint && record.endpoint !== filter.endpoint) return false;
  const text = filter.text?.trim().toLowerCase();
  if (!text) return true;
  return Object.values(record).some((v) => String(Array.isArray(v) ? v.join(' ') : v).toLowerCase().includes(text));
}

/** The newest `limit` records passing `filter`, oldest first. */
export function filterAudit(records: readonly AuditRecord[], filter: AuditFilterInput & { readonly limit: number }): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = records.length - 1; i >= 0 && out.length < filter.limit; i--) {
    const r = records[i]!;
    if (matchesAuditFilter(r, filter)) out.push(r);
  }
  return out.reverse();
}
