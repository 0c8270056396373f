/** What to do about a file-system error, by its code; the path is named before it. */
const ADVICE: Readonly<Record<string, string>> = {
  ENOTDIR: 'part of that path is a file, not a folder; check KEYBROKER_HOME and any path you gave',
  EISDIR: 'that is a folder, not a file; move it aside or give the path of a file',
  EACCES: 'permission denied; check the owner and mode of that file and of its folder',
  EPERM: 'not permitted; check the owner and mode of that file and of its folder',
  EROFS: 'the file system is read-only; use a writable KEYBROKER_HOME',
  ENOSPC: 'the disk is full; free some space and retry',
  EDQUOT: 'the disk quota is used up; free some space and retry',
  ENOENT: 'it does not exist; check KEYBROKER_HOME and any path you gave',
  ENAMETOOLONG: 'the path is too long; use a shorter KEYBROKER_HOME',
  ELOOP: 'the path has a symbolic-link loop; fix the link',
  EMFILE: 'too many files are open; retry, or raise the limit (ulimit -n)',
};

/**
 * A Node file-system error (`code` such as EACCES, `syscall`, `path`) as one line naming the
 * file and what to do next (D146), or undefined for anything else. Without it a home
 * that is a file, a read-only or full disk reached the user as `unexpected error: ENOTDIR:
 * not a directory, open '...'; please report it`, as if KeyBroker were broken.
 */
export function systemErrorLine(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | null | undefined;
  if (!(err instanceof Error) || typeof err.code !== 'string' || !/^E[A-Z]+$/.test(err.code) || typeof err.syscall !== 'string' || typeof err.path !== 'string') return undefined;
  const advice = ADVICE[err.code] ?? 'check that path and retry';
  return `cannot ${err.syscall} ${err.path} (${err.code}): ${advice}`;
}
