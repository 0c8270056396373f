import fs from 'node:fs';
import path from 'node:path';
import { writeTempSibling } from './atomic-write.js';
import { isProcessAlive } from './is-process-alive.js';

/** A lock file this process created: its path and the content that makes it ours. */
export interface HeldLockFile {
  readonly file: string;
  /** `<pid> <12 hex>\n`: the pid first, for readers of the pid, and a token no other instance has. */
  readonly content: string;
}

/** Judges a lock's content (read from `file`) stale: its owner is gone. */
export type LockStaleness = (content: string, file: string) => boolean;

/** How deep takeovers of dead takeovers go before a round gives up (each level needs a SIGKILL inside microseconds). */
const MAX_TAKEOVER_DEPTH = 4;

/** The pid at the start of a lock file's content, or undefined when there is none. */
export function lockContentPid(content: string | undefined): number | undefined {
  const pid = Number.parseInt(String(content), 10); // Leading blanks are skipped; undefined reads as NaN.
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** A lock file's content, or undefined when there is none (ENOENT). Other errors are thrown. */
export function readLockFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Create `file` holding this process's pid and a fresh token, or return undefined when it
 * exists. The content is written to a temp file first and hard-linked into place (link fails
 * when the name exists, like O_EXCL), so the lock is never seen empty: a reader always finds
 * its owner's pid. Security: 0600 from its first byte (writeTempSibling).
 */
export function createLockFile(file: string): HeldLockFile | undefined {
  const token = process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex');
  const content = `${process.pid} ${token}\n`;
  // Not fsynced: a lock only matters while its owner lives; after a crash it is stale anyway.
  const claim = writeTempSibling(file, content, 0o600, false);
  try {
    fs.linkSync(claim, file);
    return { file, content };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return undefined;
  } finally {
    fs.rmSync(claim, { force: true });
  }
}

/** Remove a held lock, only if it is still ours (an owner never removes another's lock). */
export function releaseLockFile(held: HeldLockFile): void {
  if (readLockFile(held.file) === held.content) fs.rmSync(held.file, { force: true });
}

/**
 * Remove `file` if it still holds `stale` (content its caller judged stale), such that of any
 * number of processes doing this at once for the same stale lock, at most one removes it and
 * none removes the fresh lock that replaced it (D177). Returns whether this call
 * removed it; the caller then tries createLockFile again, where O_EXCL picks one winner.
 *
 * How: the takeover of one stale instance is itself a lock, `.<name>.<hash of stale>.reap`,
 * created like any lock. Only its holder removes `file`, and only after re-reading that
 * `file` still holds `stale` and re-judging it stale. Another process that read the same
 * stale content later finds the takeover lock taken (and waits), or takes it after the first
 * taker released it and then finds another content in `file` (and removes nothing). A taker
 * killed inside its takeover leaves a stale takeover lock, which is taken over the same way.
 */
export function removeStaleLockFile(file: string, stale: string, isStale: LockStaleness, depth = 0): boolean {
  const hash = process.getBuiltinModule('node:crypto').createHash('sha256').update(stale).digest('hex').slice(0, 16);
  const takeover = path.join(path.dirname(file), `.${path.basename(file)}.${hash}.reap`);
  const held = createLockFile(takeover);
  if (!held) {
    const other = readLockFile(takeover);
    // Its taker died inside the takeover: take that over first (this attempt ends either way).
    if (other !== undefined && depth < MAX_TAKEOVER_DEPTH && isStale(other, takeover)) removeStaleLockFile(takeover, other, isStale, depth + 1);
    return false;
  }
  try {
    // Security: only the holder of this stale instance's takeover removes it, once, and only
    // while it is still there and still stale; never a lock that replaced it.
    if (readLockFile(file) !== stale || !isStale(stale, file)) return false;
    fs.rmSync(file, { force: true });
    return true;
  } finally {
    releaseLockFile(held);
  }
}

/**
 * While holding `held`, remove the takeover locks of `held.file` whose taker died (killed
 * after removing the stale lock but before removing its takeover lock). Every takeover lock
 * left then is about an instance that is gone for good, as the current one is ours; those
 * whose taker lives are removed by it. Security: the current user's own regular files only,
 * never through a link. Best effort, like sweepStaleTemps.
 */
export function sweepDeadTakeovers(held: HeldLockFile): void {
  const dir = path.dirname(held.file);
  const base = path.basename(held.file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\.+${base}(?:\\.[0-9a-f]{16}\\.reap)+$`);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const entry = path.join(dir, name);
    try {
      const st = fs.lstatSync(entry);
      if (!st.isFile() || (uid !== undefined && st.uid !== uid)) continue;
      const pid = lockContentPid(fs.readFileSync(entry, 'utf8'));
      // Ours (another thread's) counts as alive, as every live pid does.
      if (pid !== undefined && isProcessAlive(pid)) continue;
      fs.unlinkSync(entry);
    } catch {
      // Gone meanwhile: its taker finished.
    }
  }
}
