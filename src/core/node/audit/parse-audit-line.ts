import { AuditRecord } from '../../common/contracts/audit-event.js';

/**
 * One line of an audit file as a record, or `undefined` when it is not one (a torn last
 * line after a crash, a hand edit, a record from a newer version). Readers skip and count
 * such lines rather than stop: the rest of the trail is still worth showing.
 */
export function parseAuditLine(line: string): AuditRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = AuditRecord.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
