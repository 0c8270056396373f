import { homePaths } from '../config/home.js';
import { isProcessAlive, readLockPid } from '../host/host-lock.js';

/**
 * The live process holding `<home>/host.lock`, if any, for a "not running" answer given while
 * a host does hold the home (D153). A pid of a dead process, or none, is no holder.
 */
export function hostLockHolder(home: string, socketPath: string): { pid: number; lockFile: string; socketPath: string } | undefined {
  const lockFile = homePaths(home).lock;
  const pid = readLockPid(lockFile);
  return pid !== undefined && pid !== process.pid && isProcessAlive(pid) ? { pid, lockFile, socketPath } : undefined;
}
