import { CoreError } from '../../base/errors/core-error.js';
import { isProcessAlive } from '../fs/is-process-alive.js';
import { createLockFile, lockContentPid, readLockFile, releaseLockFile, removeStaleLockFile, sweepDeadTakeovers, type HeldLockFile } from '../fs/lock-file.js';
import { pauseSync } from '../fs/pause-sync.js';

export { isProcessAlive } from '../fs/is-process-alive.js';

/** How long a start waits for another start's takeover of a stale host.lock to finish (a few file operations). */
const TAKEOVER_WAIT_MS = 2000;
const RETRY_MS = 10;

/** Another KeyBroker host already runs for this home. */
export class HostAlreadyRunningError extends CoreError {
  override readonly name = 'HostAlreadyRunningError' as const;
  readonly code = 'CORE_HOST_RUNNING' as const;
  constructor(readonly pid: number, lockFile: string) {
    super(`KeyBroker is already running for this home (pid ${pid}, lock ${lockFile}); stop it first or use that instance`);
  }
}

/** The pid recorded in a lock file, or undefined when there is none or it is unreadable. */
export function readLockPid(lockFile: string): number | undefined {
  try {
    return lockContentPid(readLockFile(lockFile));
  } catch {
    return undefined;
  }
}

/** A host lock is stale when it names no pid, our own (an earlier process's), or a dead one. */
function isStale(content: string): boolean {
  const pid = lockContentPid(content);
  return pid === undefined || pid === process.pid || !isProcessAlive(pid);
}

/**
 * One host per user home: `host.lock` holds the owner's pid (and a token, lock-file.ts). A
 * lock left by a dead process is taken over; a live one refuses with the pid so the user
 * knows what to stop. Of several hosts taking over the same stale lock at once, exactly one
 * starts (D177); the others refuse with its pid.
 */
export class HostLock {
  private held: HeldLockFile | undefined;
  constructor(private readonly lockFile: string) {}

  acquire(): void {
    const deadline = Date.now() + TAKEOVER_WAIT_MS;
    for (;;) {
      const held = createLockFile(this.lockFile);
      if (held) {
        this.held = held;
        sweepDeadTakeovers(held);
        return;
      }
      const content = readLockFile(this.lockFile);
      if (content === undefined) continue; // Released meanwhile: try again at once.
      if (!isStale(content)) throw new HostAlreadyRunningError(lockContentPid(content)!, this.lockFile);
      if (removeStaleLockFile(this.lockFile, content, isStale)) continue;
      // Another start is taking the stale lock over: it wins unless it dies; then we do.
      if (Date.now() >= deadline) throw new HostAlreadyRunningError(lockContentPid(content) ?? 0, this.lockFile);
      pauseSync(RETRY_MS);
    }
  }

  release(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    releaseLockFile(held);
  }
}
