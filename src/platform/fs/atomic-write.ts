import fs from 'node:fs';
import path from 'node:path';

/**
 * Replace `file` with `data` so that a reader sees the old or the new content, never a mix:
 * write a sibling temp file (mode 0600, O_EXCL), fsync it, rename it over, fsync the folder.
 * Security: the temp file is created 0600 from the first byte, so no window exposes it.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const dir = path.dirname(file);
  // node:crypto on first use: `keybroker status` imports this module but never writes.
  const random = process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex');
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${random}.tmp`);
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    // Stryker disable next-line StringLiteral: no POSIX platform is named '' or 'win32'; the tests run on POSIX
    if (process.platform !== 'win32') fs.chmodSync(tmp, mode); // umask cannot widen, but be explicit.
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dir);
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
