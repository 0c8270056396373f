import type { AuditRecord } from '../../base/contracts/audit-event.js';

/**
 * What an audit row's Details cell says, in plain words: for an unlock, the servers its password
 * goes to (D197: "for vc1.corp.example") and whether the stored password was not yet bound to a
 * server, so the prompt asked to bind it (D234); then the record's reason. `keybroker audit`
 * prints the same fields as `hosts=` and `unbound=true`. First, for a server config.json added
 * (D250), its command (`command=`): the Server column alone does not say it is not a built-in one.
 */
export function auditDetails(record: AuditRecord): string {
  const parts: string[] = [];
  // D7-redteam: a server config.json added is named with what it runs, as `keybroker audit` prints `command=`.
  if (record.command) parts.push(`config.json server, runs ${record.command}`);
  if (record.hosts?.length) parts.push(`for ${record.hosts.join(', ')}`);
  if (record.unbound) parts.push('password not yet bound to a server');
  if (record.reason) parts.push(record.reason);
  return parts.join('; ');
}
