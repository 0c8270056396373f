import fs from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from './is-process-alive.js';

/**
 * A temp file whose writer still lives is swept only after this long: its pid may have been
 * reused by an unrelated process after the writer was killed. A live writer holds its temp
 * file for one write and fsync, milliseconds, so ten minutes never cuts one short.
 */
export const STALE_TEMP_MS = 10 * 60_000;

/**
 * The name of a new temp file beside `file`: `.<name>.<pid>.<12 hex>.tmp`, so that the next
 * write of the same file can tell whose it is (D176).
 */
export function tempSiblingPath(file: string): string {
  // node:crypto on first use: `keybroker status` imports this module but never writes.
  const random = process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex');
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${random}.tmp`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Remove the temp files that earlier writes of `file` left behind when their process was
 * killed (SIGKILL, a power cut) between writing the temp file and renaming it over `file`.
 * Swept: entries beside `file` named exactly `.<name>.<pid>.<12 hex>.tmp` whose pid is gone,
 * or whose pid lives but that are older than STALE_TEMP_MS (a reused pid).
 *
 * Security: only the current user's own regular files (lstat: a symbolic link is never
 * followed nor removed, a folder or another user's file is left alone), only this file's
 * temp names, and our own pid's only by age (another thread of ours may be writing it).
 * Best effort: a folder that cannot be listed, or an entry that vanished meanwhile, is
 * skipped; a sweep never fails the write that runs it.
 */
export function sweepStaleTemps(file: string): void {
  const dir = path.dirname(file);
  const pattern = new RegExp(`^\\.${escapeRegExp(path.basename(file))}\\.([1-9][0-9]{0,9})\\.[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // A folder we may write but not list (mode 0300): nothing to sweep that we can see.
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    const entry = path.join(dir, name);
    try {
      const st = fs.lstatSync(entry);
      // Security: never a link (lstat does not follow it), a folder, or another user's file.
      if (!st.isFile() || (uid !== undefined && st.uid !== uid)) continue;
      const old = Date.now() - st.mtimeMs > STALE_TEMP_MS;
      // Our own pid is alive too: another thread of ours may be writing it.
      if (!old && isProcessAlive(pid)) continue;
      fs.unlinkSync(entry);
    } catch {
      // Gone meanwhile (another writer swept it), or not ours to remove: leave it.
    }
  }
}
