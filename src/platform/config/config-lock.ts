import fs from 'node:fs';
import { isProcessAlive } from '../fs/is-process-alive.js';
import { createLockFile, lockContentPid, readLockFile, releaseLockFile, removeStaleLockFile, sweepDeadTakeovers } from '../fs/lock-file.js';
import { pauseSync } from '../fs/pause-sync.js';
import { ConfigLockedError } from './config-locked-error.js';

/** How long a change waits for another process's change of config.json before giving up. */
export const CONFIG_LOCK_WAIT_MS = 5000;
/** A lock file without a pid (its owner died between creating and writing it) counts as stale after this long. */
const EMPTY_LOCK_STALE_MS = 2000;
const RETRY_MS = 10;

/**
 * Run `fn` (load, change, save of config.json) while holding `lockFile`, so that two
 * processes changing config.json at once (two `keybroker endpoint add`, the CLI beside the
 * app) each start from the other's result instead of overwriting it (D144).
 *
 * The lock is a file holding the owner's pid and a token, created whole (lock-file.ts); it
 * is held only for one synchronous read-change-write, so a waiter polls every 10 ms for at
 * most `waitMs`. A lock left by a process that died (SIGKILL mid-write) is taken over: its
 * pid is gone, or it has no pid (an older version's, killed between create and write) after
 * 2 s. Of several processes taking over the same stale lock at once exactly one removes it
 * (removeStaleLockFile, D177), and O_EXCL then lets exactly one in. Readers never
 * take the lock: the write itself is atomic.
 *
 * Throws ConfigLockedError when a live owner keeps it past `waitMs`.
 */
export function withConfigLock<T>(lockFile: string, fn: () => T, options: { readonly waitMs?: number } = {}): T {
  const deadline = Date.now() + (options.waitMs ?? CONFIG_LOCK_WAIT_MS);
  for (;;) {
    const held = createLockFile(lockFile);
    if (held) {
      sweepDeadTakeovers(held);
      try {
        return fn();
      } finally {
        releaseLockFile(held);
      }
    }
    const content = readLockFile(lockFile);
    if (content === undefined) continue; // Released meanwhile: try again at once.
    if (isStale(content, lockFile) && removeStaleLockFile(lockFile, content, isStale)) continue;
    if (Date.now() >= deadline) throw new ConfigLockedError(lockFile, lockContentPid(content));
    pauseSync(RETRY_MS);
  }
}

/** A config lock is stale when its pid is gone, or when it has none and is older than 2 s. */
function isStale(content: string, file: string): boolean {
  const pid = lockContentPid(content);
  if (pid !== undefined) return !isProcessAlive(pid); // Ours is alive: a change of ours waits, as before.
  try {
    return Date.now() - fs.statSync(file).mtimeMs > EMPTY_LOCK_STALE_MS;
  } catch {
    return false; // Gone meanwhile: the next open tries again.
  }
}
