import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditRecord } from '../../base/contracts/audit-event.js';
import { parseAuditLine } from './parse-audit-line.js';

/** Options of tailAudit. */
export interface TailAuditOptions {
  /** Deliver the lines already in the file first, instead of only new ones. Default false. */
  fromStart?: boolean;
  /** How often to look for new bytes. Default 250 ms. */
  intervalMs?: number;
  /**
   * Called once, after the first look at the file: from then on every appended line is
   * delivered. Lets `--follow` say it is following, and tests append without racing.
   */
  onReady?: () => void;
  /** Called after every look at the file (and after the records it found were delivered). */
  onLook?: () => void;
}

/** What a finished follow saw besides the records it delivered. */
export interface TailAuditResult {
  /** Non-empty lines that were not valid records and were skipped. */
  malformed: number;
}

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

function statOrUndefined(file: string): Promise<fs.Stats | undefined> {
  return fs.promises.stat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
}

/**
 * Follow an audit file (`keybroker audit --follow`): call `onRecord` for every record
 * appended after the start (or from the beginning with `fromStart`) until `signal` aborts;
 * then resolve.
 *
 * Polls the file rather than trusting fs.watch, whose events differ per OS and are lost
 * across renames. Rotation (the path now names another file) and truncation (the file
 * shrank) are followed by reopening; before switching, the old file is read to its end,
 * so lines written just before a rotation are not lost. A missing file is waited for.
 * Bytes are split on newlines before decoding, so a UTF-8 character cut between two reads
 * stays whole, and a line still being written waits for its newline.
 */
export async function tailAudit(
  file: string,
  onRecord: (record: AuditRecord) => void,
  signal: AbortSignal,
  options: TailAuditOptions = {},
): Promise<TailAuditResult> {
  const intervalMs = options.intervalMs ?? 250;
  let handle: FileHandle | undefined;
  let identity = '';
  let pos = 0;
  let pending: Buffer = Buffer.alloc(0);
  let malformed = 0;
  let firstLook = true;
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);

  const deliver = (line: string): void => {
    if (line.trim() === '') return;
    const record = parseAuditLine(line);
    if (record) onRecord(record);
    else malformed++;
  };

  const consume = (bytes: Buffer): void => {
    const buf = pending.length > 0 ? Buffer.concat([pending, bytes]) : bytes;
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
      deliver(buf.toString('utf8', start, nl));
      start = nl + 1;
    }
    pending = Buffer.from(buf.subarray(start)); // A copy: `bytes` is the reused read buffer.
  };

  const drain = async (h: FileHandle): Promise<void> => {
    for (;;) {
      const { bytesRead } = await h.read(chunk, 0, CHUNK_BYTES, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      consume(chunk.subarray(0, bytesRead));
    }
  };

  const closeCurrent = async (): Promise<void> => {
    if (!handle) return;
    const h = handle;
    handle = undefined;
    try {
      await drain(h);
      // A file that is done with ends here: a torn last line counts as malformed.
      deliver(pending.toString('utf8'));
      pending = Buffer.alloc(0);
    } finally {
      await h.close();
    }
  };

  const openCurrent = async (startAtEnd: boolean): Promise<void> => {
    let h: FileHandle;
    try {
      h = await fs.promises.open(file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // Rotated away in between; next look.
      throw e;
    }
    const st = await h.stat().catch(async (e: unknown) => {
      await h.close();
      throw e;
    });
    handle = h;
    identity = `${st.dev}:${st.ino}`;
    pos = startAtEnd ? st.size : 0;
  };

  try {
    while (!signal.aborted) {
      const st = await statOrUndefined(file);
      if (handle && (!st || `${st.dev}:${st.ino}` !== identity)) {
        await closeCurrent(); // Rotated or deleted: finish the old file first.
      } else if (handle && st && st.size < pos) {
        pos = 0; // Truncated in place: what was cut is gone, start over.
        pending = Buffer.alloc(0);
      }
      if (!handle && st) await openCurrent(firstLook && !options.fromStart);
      if (handle) await drain(handle);
      if (firstLook) options.onReady?.();
      firstLook = false;
      options.onLook?.();
      try {
        await sleep(intervalMs, undefined, { signal });
      } catch (e) {
        if (signal.aborted) break;
        throw e;
      }
    }
  } finally {
    const h = handle;
    handle = undefined;
    await h?.close();
  }
  return { malformed };
}
