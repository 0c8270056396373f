import fs from 'node:fs';
import { CoreError } from '../../base/errors/core-error.js';

/** Another KeyBroker host already runs for this home. */
export class HostAlreadyRunningError extends CoreError {
  override readonly name = 'HostAlreadyRunningError' as const;
  readonly code = 'CORE_HOST_RUNNING' as const;
  constructor(readonly pid: number, lockFile: string) {
    super(`KeyBroker is already running for this home (pid ${pid}, lock ${lockFile}); stop it first or use that instance`);
  }
}

/** True when a process with `pid` exists (signal 0 probes without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid recorded in a lock file, or undefined when there is none or it is unreadable. */
export function readLockPid(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(lockFile, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One host per user home: `host.lock` holds the owner's pid. A lock left by a dead process
 * is taken over; a live one refuses with the pid so the user knows what to stop.
 */
export class HostLock {
  private held = false;
  constructor(private readonly lockFile: string) {}

  acquire(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(this.lockFile, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
        fs.writeSync(fd, `${process.pid}\n`);
        fs.closeSync(fd);
        this.held = true;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = readLockPid(this.lockFile);
        if (pid !== undefined && pid !== process.pid && isProcessAlive(pid)) throw new HostAlreadyRunningError(pid, this.lockFile);
        // Stale: the owner died without cleaning up. Replace atomically and re-check.
        fs.rmSync(this.lockFile, { force: true });
      }
    }
    // Lost the race twice: another host is starting right now and owns the lock.
    throw new HostAlreadyRunningError(readLockPid(this.lockFile) ?? 0, this.lockFile);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (readLockPid(this.lockFile) === process.pid) fs.rmSync(this.lockFile, { force: true });
  }
}
