import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CoreError } from '../../base/errors/core-error.js';
import { entryFormat, type EntryFormat } from './code-load/entry-format.js';

/** The largest entry module read for a server config.json added (a bundled server is a few MiB). */
export const MAX_MODULE_BYTES = 64 * 1024 * 1024;
/** The largest package.json read beside it. */
export const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

/** One file of a snapshot: its bytes as read once, and the absolute path the child names it by. */
export interface SnapshotFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/**
 * What a server config.json added runs, read once per start (D2-modulebytes): its entry module
 * and the package.json that tells node how to load it (`type`, `imports`), with one digest over
 * both. The approval of such a server is bound to `sha256`; where the sandbox allows it
 * (bubblewrap), the child is given exactly these bytes, so what was hashed is what runs.
 */
export interface ModuleSnapshot {
  /** The entry first, then the package.json (when there is one). */
  readonly files: readonly SnapshotFile[];
  /** SHA-256 (hex) over every file's path, length and bytes. */
  readonly sha256: string;
  /**
   * How node runs the entry, decided from these bytes (D263); undefined for an
   * entry only an execArgv loader runs (`.ts`), which is then loaded from the disk.
   */
  readonly format?: EntryFormat;
}

/** A config.json server's module could not be read to hash it: it is not started. */
export class ModuleSnapshotError extends CoreError {
  override readonly name = 'ModuleSnapshotError' as const;
  readonly code = 'CORE_MODULE_SNAPSHOT' as const;
}

/**
 * Read `file` once through one descriptor: a regular file of at most `max` bytes. Security: no
 * stat-then-read gap, the size limit applies while reading (a file that grows is refused), and
 * a FIFO or device is refused before a read could block or never end.
 */
function readBounded(file: string, max: number, what: string): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new ModuleSnapshotError(`cannot read ${what} ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}); fix the path in config.json's servers and restart the server`, { cause: e });
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw new ModuleSnapshotError(`${what} ${file} is not a regular file; point config.json's servers at the module file`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte past the limit at most, so a file that is exactly `max` long is read whole and one
      // byte more is seen.
      // Stryker disable next-line MethodExpression,ArithmeticOperator: a larger chunk (max, +) reads the same bytes, only into more memory.
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, max + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) throw new ModuleSnapshotError(`${what} ${file} is larger than ${max} bytes; bundle the server smaller or split it`);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** The package.json node reads to load `modulePath`: the nearest one above it, if any. */
function nearestPackageJson(modulePath: string): string | undefined {
  let dir = path.dirname(modulePath);
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The digest of `files`: each one's path, byte length and bytes, so no two lists hash alike. */
export function snapshotDigest(files: readonly SnapshotFile[]): string {
  const hash = crypto.createHash('sha256');
  for (const f of files) {
    hash.update(`${f.path}\0${f.bytes.length}\0`);
    hash.update(f.bytes);
  }
  return hash.digest('hex');
}

/** `file`'s real path (node loads a main module by it), or `file` when it cannot be resolved (the read then says why). */
function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Read the code a server config.json added is started with (D2-modulebytes): `modulePath` (an
 * absolute path) and its nearest package.json, each once, bounded, by their real paths (node
 * loads a main module by its real path, and that is where a sandbox puts the bytes read).
 * Throws ModuleSnapshotError when one cannot be read (EntryFormatError when its package.json is
 * not JSON); the start then fails as a launch failure.
 */
export function readModuleSnapshot(modulePath: string, limits: { readonly module: number; readonly packageJson: number } = { module: MAX_MODULE_BYTES, packageJson: MAX_PACKAGE_JSON_BYTES }): ModuleSnapshot {
  const entry = realPath(modulePath);
  const files: SnapshotFile[] = [{ path: entry, bytes: readBounded(entry, limits.module, 'the server module') }];
  const pkg = nearestPackageJson(entry);
  if (pkg !== undefined) files.push({ path: pkg, bytes: readBounded(pkg, limits.packageJson, 'the package.json of the server module') });
  const format = entryFormat(files);
  return { files, sha256: snapshotDigest(files), ...(format ? { format } : {}) };
}
