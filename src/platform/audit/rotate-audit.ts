import fs from 'node:fs';
import path from 'node:path';

/** The n-th rotated generation of `file`: `audit.log.1` is the newest, higher is older. */
export function rotatedAuditFile(file: string, n: number): string {
  return `${file}.${n}`;
}

/**
 * The rotated generations of `file` that exist on disk, oldest first, so that reading
 * them in order and then `file` itself gives the records in the order they were written.
 */
export function listRotatedAuditFiles(file: string): string[] {
  const base = path.basename(file);
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const generations: number[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const suffix = name.slice(base.length + 1);
    if (/^[1-9]\d{0,5}$/.test(suffix)) generations.push(Number(suffix));
  }
  return generations.sort((a, b) => b - a).map((n) => rotatedAuditFile(file, n));
}

function removeIfPresent(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * Shift `file` → `file.1` → … → `file.<keep>`, deleting what would become `file.<keep+1>`.
 * Generations beyond `keep` left by an earlier, larger `keep` are deleted too, so the
 * setting is what is on disk. Renames within one folder never copy, so no line is lost.
 */
export function rotateAuditFiles(file: string, keep: number): void {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a positive integer, got ${keep}`);
  removeIfPresent(rotatedAuditFile(file, keep));
  // Older leftovers: generations are contiguous, so stop at the first gap.
  for (let n = keep + 1; removeIfPresent(rotatedAuditFile(file, n)); n++);
  // Stryker disable next-line ArithmeticOperator: starting at keep + 1 only tries to rename the generations just deleted above (ENOENT, skipped)
  for (let n = keep - 1; n >= 1; n--) renameIfPresent(rotatedAuditFile(file, n), rotatedAuditFile(file, n + 1));
  renameIfPresent(file, rotatedAuditFile(file, 1));
}
