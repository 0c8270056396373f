import fs from 'node:fs';
import { PrivateDirError } from './private-dir-error.js';

/** What to do when a private folder cannot be used: choose folders of one's own. */
const ELSEWHERE = 'or set KEYBROKER_HOME (and XDG_RUNTIME_DIR, for the socket folder) to folders you own, then retry';

/**
 * Create `dir` (and parents) and make sure only the owner can enter it.
 * Security: a looser mode left by an older install or a umask is tightened, not trusted;
 * a file, a symbolic link or another user's folder at that path is refused, never used.
 *
 * @throws PrivateDirError with one line that says what to do.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new PrivateDirError(`${dir} (or a folder above it) exists but is not a folder; move it aside, ${ELSEWHERE}`, { cause: e });
    }
    throw new PrivateDirError(`cannot create ${dir} (${code ?? 'error'}); check the permissions of the folder above it, ${ELSEWHERE}`, { cause: e });
  }
  // Stryker disable next-line StringLiteral: no POSIX platform is named '' or 'win32'; the tests run on POSIX
  if (process.platform === 'win32') return; // ACLs, not modes, protect %APPDATA%.
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink()) throw new PrivateDirError(`${dir} is a symbolic link, not a folder; remove the link, ${ELSEWHERE}`);
  // Defence in depth against a swap after mkdir: mkdir -p succeeded, so the path is a folder or a link to one.
  // Stryker disable next-line StringLiteral: the message of a race no test can stage
  if (!st.isDirectory()) throw new PrivateDirError(`${dir} exists but is not a folder; move it aside, ${ELSEWHERE}`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new PrivateDirError(`${dir} belongs to another user (uid ${st.uid}), so it cannot be kept private; remove it, ${ELSEWHERE}`);
  }
  if ((st.mode & 0o777) !== 0o700) {
    try {
      fs.chmodSync(dir, 0o700);
    } catch (e) {
      throw new PrivateDirError(`cannot make ${dir} private (${(e as NodeJS.ErrnoException).code ?? 'error'}); fix its permissions (chmod 700), ${ELSEWHERE}`, { cause: e });
    }
  }
}
