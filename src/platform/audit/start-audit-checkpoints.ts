import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { Keychain } from '../keychain/keychain.js';
import { AuditCheckpoints, type AuditCheckpointSchedule } from './audit-checkpoints.js';
import type { AuditLog } from './audit-log.js';
import { loadOrCreateCheckpointKey } from './checkpoint-key.js';

/**
 * Start signed checkpoints for the host's audit log with the home's key from the keychain
 * (made on first use). A keychain that cannot be read does not stop the host: checkpoints
 * stay off, and the log line and the audit say so.
 */
export async function startAuditCheckpoints(audit: AuditLog, keychain: Pick<Keychain, 'get' | 'set'>, schedule: AuditCheckpointSchedule, log: (line: string) => void = (l) => void process.stderr.write(`${l}\n`)): Promise<Disposable> {
  try {
    const key = await loadOrCreateCheckpointKey(keychain);
    return new AuditCheckpoints(audit, key, schedule, (e) => log(`audit checkpoint not written: ${e instanceof Error ? e.message : String(e)}`));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    log(`audit checkpoints are off: the signing key could not be read from the keychain (${why})`);
    audit.append({ event: 'audit.checkpoint', outcome: 'failed', reason: `checkpoints off: the signing key could not be read from the keychain (${why.slice(0, 200)})` });
    return { dispose() {} };
  }
}
