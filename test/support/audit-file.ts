import fs from 'node:fs';
import path from 'node:path';
import type { AuditRecord } from '../../src/base/contracts/audit-event.js';

/** The records of `<home>/audit.log`, oldest first. */
export function readAudit(home: string): AuditRecord[] {
  return fs.readFileSync(path.join(home, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
}
