import crypto from 'node:crypto';
import fs from 'node:fs';
import { BugError } from '../../base/errors/core-error.js';
import { listRotatedAuditFiles } from './rotate-audit.js';

/**
 * The hash chain of the audit trail (issue 14 item 4). Every line written since chaining
 * began carries `prev`: the SHA-256 (lowercase hex) of the exact bytes of the line before
 * it, without that line's `\n`. The first line of a fresh log chains from {@link GENESIS};
 * the first line of a file opened by rotation chains to the last line of the rotated file,
 * so the chain runs across `audit.log.N … audit.log.1, audit.log` in that order.
 *
 * `prev` belongs to the line, not to the record: readers drop it (parseAuditLine) and the
 * AuditRecord contract does not know it, so no caller can set it.
 */
export const GENESIS = '0'.repeat(64);

/** The key of the chain field in a line. */
export const CHAIN_FIELD = 'prev';

/** What a `prev` value looks like. */
export const CHAIN_HASH = /^[0-9a-f]{64}$/;

/** `"prev"`, the chain field's key as JSON. */
const CHAIN_KEY_JSON = JSON.stringify(CHAIN_FIELD);

/** The SHA-256 hex of one line's bytes (without its `\n`). */
export function hashAuditLine(line: Buffer | string): string {
  // One-shot crypto.hash: about half the cost of createHash for a short line (the token path).
  return crypto.hash('sha256', line, 'hex');
}

/**
 * The line (without `\n`) that stores a record, given as its `JSON.stringify` output,
 * chained to `prev`: the same bytes as `JSON.stringify({...record, prev})`, built without
 * serialising the record again.
 */
export function chainedAuditLine(recordJson: string, prev: string): string {
  if (!recordJson.startsWith('{') || !recordJson.endsWith('}') || recordJson === '{}') throw new BugError('chainedAuditLine takes a non-empty record object as JSON');
  // A chain hash is 64 hex digits, which JSON writes as they are: two JSON.stringify calls per
  // record fewer (E1-gwspeed); anything else (a test's odd `prev`) is encoded as before.
  return `${recordJson.slice(0, -1)},${CHAIN_KEY_JSON}:${CHAIN_HASH.test(prev) ? `"${prev}"` : JSON.stringify(prev)}}`;
}

/** Bytes read from the end of a file per step while looking for its last line. */
const TAIL_CHUNK = 64 * 1024;

/**
 * The last line of `file` as bytes (without `\n`), `null` for a missing or empty file. A
 * torn last line (no `\n` after it, from a crash) counts as the last line: the writer ends
 * it with a `\n` before appending, so it stays a line of its own in the chain.
 */
export function lastAuditLine(file: string): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    let end = fs.fstatSync(fd).size;
    // Skip the final newline(s): the last line is what precedes them.
    const one = Buffer.alloc(1);
    while (end > 0 && fs.readSync(fd, one, 0, 1, end - 1) === 1 && one[0] === 0x0a) end--;
    if (end === 0) return null;
    let chunks: Buffer[] = [];
    let pos = end;
    while (pos > 0) {
      const size = Math.min(TAIL_CHUNK, pos);
      const buf = Buffer.alloc(size);
      fs.readSync(fd, buf, 0, size, pos - size);
      pos -= size;
      const nl = buf.lastIndexOf(0x0a);
      if (nl >= 0) {
        chunks = [buf.subarray(nl + 1), ...chunks];
        break;
      }
      chunks = [buf, ...chunks];
    }
    return Buffer.concat(chunks);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Where the chain of the log at `file` continues: the hash of its last line, or, for an
 * empty or missing log, of the last line of the newest rotated file, or {@link GENESIS}
 * when there is no history at all. Read once when a writer starts.
 */
export function auditChainHead(file: string): string {
  const rotated = listRotatedAuditFiles(file);
  for (const f of [file, ...rotated.reverse()]) {
    const line = lastAuditLine(f);
    if (line) return hashAuditLine(line);
  }
  return GENESIS;
}
