import fs from 'node:fs';
import { isProcessAlive, readLockPid } from '../host/host-lock.js';
import { ConfigLockedError } from './config-locked-error.js';

/** How long a change waits for another process's change of config.json before giving up. */
export const CONFIG_LOCK_WAIT_MS = 5000;
/** A lock file without a pid (its owner died between creating and writing it) counts as stale after this long. */
const EMPTY_LOCK_STALE_MS = 2000;
const RETRY_MS = 10;

/**
 * Blocks the thread for `ms` (a synchronous critical section has no event loop to yield to).
 * Where an embedder forbids Atomics.wait on its main thread (browsers do; Node and Electron's
 * main process do not), it spins for the same time instead.
 */
function pause(ms: number): void {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  } catch {
    const until = Date.now() + ms;
    while (Date.now() < until) { /* spin: waits are short and rare */ }
  }
}

/**
 * Run `fn` (load, change, save of config.json) while holding `lockFile`, so that two
 * processes changing config.json at once (two `keybroker endpoint add`, the CLI beside the
 * app) each start from the other's result instead of overwriting it (D144).
 *
 * The lock is a file created with O_EXCL holding the owner's pid; it is held only for one
 * synchronous read-change-write, so a waiter polls every 10 ms for at most `waitMs`. A lock
 * left by a process that died (SIGKILL mid-write) is taken over: its pid is gone, or it never
 * got one written within 2 s. Readers never take the lock: the write itself is atomic.
 *
 * Throws ConfigLockedError when a live owner keeps it past `waitMs`.
 */
export function withConfigLock<T>(lockFile: string, fn: () => T, options: { readonly waitMs?: number } = {}): T {
  const deadline = Date.now() + (options.waitMs ?? CONFIG_LOCK_WAIT_MS);
  for (;;) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(lockFile, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (fd !== undefined) {
      try {
        fs.writeSync(fd, `${process.pid}\n`);
      } finally {
        fs.closeSync(fd);
      }
      try {
        return fn();
      } finally {
        fs.rmSync(lockFile, { force: true });
      }
    }
    const pid = readLockPid(lockFile);
    if (isStale(lockFile, pid)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new ConfigLockedError(lockFile, pid);
    pause(RETRY_MS);
  }
}

function isStale(lockFile: string, pid: number | undefined): boolean {
  if (pid !== undefined) return pid !== process.pid && !isProcessAlive(pid);
  try {
    return Date.now() - fs.statSync(lockFile).mtimeMs > EMPTY_LOCK_STALE_MS;
  } catch {
    return false; // Gone meanwhile: the next open tries again.
  }
}
