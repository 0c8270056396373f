import type { AuditRecord } from '../../base/contracts/audit-event.js';

/**
 * What an audit row's Details cell says, in plain words: for an unlock asked by a server
 * config.json added, that it is one and its command (D250: "a server from config.json, command
 * node /x/index.cjs"), the servers its password goes to (D197: "for vc1.corp.example") and
 * whether the stored password was not yet bound to a server, so the prompt asked to bind it
 * (D234); then the record's reason. `keybroker audit` prints the same fields as `command=`,
 * `hosts=` and `unbound=true`.
 */
export function auditDetails(record: AuditRecord): string {
  const parts: string[] = [];
  if (record.command) parts.push(`a server from config.json, command ${record.command}`);
  if (record.hosts?.length) parts.push(`for ${record.hosts.join(', ')}`);
  if (record.unbound) parts.push('password not yet bound to a server');
  if (record.reason) parts.push(record.reason);
  return parts.join('; ');
}
