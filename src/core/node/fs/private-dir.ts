import fs from 'node:fs';

/**
 * Create `dir` (and parents) and make sure only the owner can enter it.
 * Security: a looser mode left by an older install or a umask is tightened, not trusted.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return; // ACLs, not modes, protect %APPDATA%.
  const st = fs.lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory; move it aside and retry`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new Error(`${dir} belongs to another user; set KEYBROKER_HOME to a folder you own`);
  }
  if ((st.mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
}
