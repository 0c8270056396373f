import fs from 'node:fs';
import path from 'node:path';
import { sweepStaleTemps, tempSiblingPath } from './stale-temp-files.js';

/**
 * Write `data` to a new temp file beside `file` and return its path: named
 * `.<name>.<pid>.<12 hex>.tmp` (see tempSiblingPath), created 0600 and exclusively, written,
 * fsynced (unless `durable` is false: a lock file, stale after any crash anyway) and given
 * `mode`. First sweeps the temp files a killed earlier writer of `file` left
 * (sweepStaleTemps). The caller renames or links it into place and removes it on failure.
 * Security: the temp file is created 0600 from the first byte, so no window exposes it.
 */
export function writeTempSibling(file: string, data: string | Uint8Array, mode = 0o600, durable = true): string {
  sweepStaleTemps(file);
  const tmp = tempSiblingPath(file);
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
  try {
    fs.writeFileSync(fd, data);
    if (durable) fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    // Stryker disable next-line StringLiteral: no POSIX platform is named '' or 'win32'; the tests run on POSIX
    if (process.platform !== 'win32') fs.chmodSync(tmp, mode); // The asked mode, whatever the umask.
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return tmp;
}

/**
 * Replace `file` with `data` so that a reader sees the old or the new content, never a mix:
 * write a sibling temp file (writeTempSibling), rename it over, fsync the folder. A writer
 * killed before its rename leaves its temp file; the next write of the same file removes it
 * (D176).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = writeTempSibling(file, data, mode);
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(path.dirname(file));
}

function fsyncDir(dir: string): void {
  // Stryker disable next-line StringLiteral: no POSIX platform is named '' or 'win32'; the tests run on POSIX
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there.
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
