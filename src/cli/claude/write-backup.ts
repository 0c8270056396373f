import fs from 'node:fs';

/** `2025-06-01T09-30-00-123Z`: sortable, and legal in Windows file names (no colons). */
export function backupStamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[:.]/g, '-');
}

/**
 * Copy `content` to `<file>.bak-<stamp>` and return its path. Created 0600 with O_EXCL from
 * the first byte, and never over an existing backup (a second run in the same millisecond
 * gets `-1`, `-2`...). Security: Claude Desktop's config often holds other servers' API
 * keys in `env`, so the copy must not be more readable than the original should be.
 */
export function writeBackup(file: string, content: Buffer, epochMs: number): string {
  const base = `${file}.bak-${backupStamp(epochMs)}`;
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? base : `${base}-${n}`;
    let fd: number;
    try {
      fd = fs.openSync(candidate, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && n < 100) continue;
      throw e;
    }
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
      if (process.platform !== 'win32') fs.fchmodSync(fd, 0o600); // umask can only narrow; be explicit anyway.
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(candidate, { force: true });
      throw e;
    }
    fs.closeSync(fd);
    return candidate;
  }
}
