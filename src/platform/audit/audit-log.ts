import fs from 'node:fs';
import path from 'node:path';
import { AuditRecord, type AuditInput, type ToolCallFields } from '../../base/contracts/audit-event.js';
import type { Config } from '../../base/contracts/config.js';
import { firstIssue } from '../../base/contracts/format-issue.js';
import { BugError } from '../../base/errors/core-error.js';
import { Emitter } from '../../base/events/emitter.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import { homePaths } from '../config/home.js';
import { ensurePrivateDir } from '../fs/private-dir.js';
import { auditChainHead, chainedAuditLine, hashAuditLine } from './audit-chain.js';
import { checkAuditRecord } from './check-audit-record.js';
import { redactRecord, secretNeedles } from './redact-record.js';
import { rotateAuditFiles } from './rotate-audit.js';
import { toolCallRecord } from './tool-call-record.js';
import { IsoTimestamps } from './iso-timestamps.js';

/** How an AuditLog is built. */
export interface AuditLogOptions {
  /** `<home>`; the log is `<home>/audit.log`. */
  home: string;
  /** Rotation: `maxBytes` per file, `keep` rotated files (`Config.audit`). */
  settings: Config['audit'];
  /**
   * The secret values alive right now (session tokens, passwords being used, the API key).
   * Called on every append, so it must be cheap; never stored.
   */
  secrets: () => Iterable<string>;
  /** Clock for `ts`; tests pin it. */
  now?: () => Date;
  /**
   * Write at the end of the current event-loop turn, batched, instead of inside `append`.
   * The host sets it: a token grant is then answered before its audit line is written.
   * A crash can lose the lines of that one turn; `flush()`/`dispose()` write them at once.
   */
  deferWrites?: boolean;
}

// Security: O_NOFOLLOW, so a symlink planted at audit.log cannot redirect the log elsewhere.
// Read as well as append: opening counts the coalesced records already in the file.
const OPEN_FLAGS = fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0);
const FILE_MODE = 0o600;
/** How often an open log is checked for having been deleted or replaced. */
const IDENTITY_CHECK_MS = 1000;
/** Share of each file that coalesced (bounded) records may take: a tenth. */
const BOUNDED_SHARE = 10;
/** A line with a `count` key is a coalesced record; inside a JSON string the quotes would be escaped. */
const BOUNDED_MARK = '"count":';

interface OpenFile {
  fd: number;
  size: number;
  ino: number;
  /** Bytes of coalesced (bounded) records in this file. */
  bounded: number;
}

/**
 * The audit trail (DESIGN.md "Audit"): one JSON line per record in `<home>/audit.log`,
 * mode 0600, rotated by size.
 *
 * Each append writes one whole line with O_APPEND to a descriptor kept open between
 * appends, so a crash loses at most the line being written; a log deleted or rotated by
 * someone else is noticed on the next append and recreated instead of written into an
 * unlinked file. No fsync: a host crash keeps what the kernel has; only a power loss can
 * cost the last lines.
 */
export class AuditLog extends DisposableBase {
  /** The live log file, `<home>/audit.log`. */
  readonly file: string;
  private readonly _onDidAppend = this.register(new Emitter<AuditRecord>());
  /** Fires after a record was written, with the record as written (redacted). */
  readonly onDidAppend = this._onDidAppend.event;
  private readonly _onDidFail = this.register(new Emitter<Error>());
  /**
   * Fires when a deferred write failed (a full disk, the log replaced by a link): its lines
   * are not in the log, and `append` had already returned, so nobody else can know. Without a
   * listener the failure would have been an exception thrown from a timer, which ends the
   * process without logging out upstream (W2-auditlog); the host stops on it instead (D175).
   */
  readonly onDidFail = this._onDidFail.event;
  private openFile: OpenFile | undefined;
  private checkedAt = 0;
  /** Deferred records as JSON, not yet chained: the chain is computed when they are written. */
  private readonly queued: string[] = [];
  /** Records' `ts`, toISOString's string formatted in full once a second (E1-gwspeed). */
  private readonly timestamps = new IsoTimestamps();
  private flushTimer: NodeJS.Immediate | undefined;
  /** Hash of the last line handed to the file, in write order; read from disk when unknown. */
  private head: string | undefined;

  constructor(private readonly options: AuditLogOptions) {
    super();
    this.file = homePaths(options.home).audit;
  }

  /**
   * Validate, redact and write one record; returns what was written.
   * @throws BugError when the record breaks the AuditRecord contract (a caller bug).
   * @throws the file system's error when the log cannot be written (disk full, permissions).
   */
  append(input: AuditInput): AuditRecord {
    return this.commit(this.prepare(input));
  }

  /**
   * Append a `tool.called` record: exactly `append({ event: 'tool.called', ts: now, ...fields })`
   * (the same record, line and chain), built from a template (tool-call-record.ts) without
   * the generic record's spread, walk and copies: the gateway audits every call with it
   * (issue 17 item 3, round 13). Fields the template does not take go the generic way.
   * @throws BugError when the record breaks the AuditRecord contract (a caller bug).
   */
  appendCall(fields: ToolCallFields): AuditRecord {
    if (this.isDisposed) throw new BugError('AuditLog.appendCall after dispose; audit before disposing the host');
    // The same `ts` as toISOString, formatted in full once a second (E1-gwspeed).
    const ts = this.now();
    const record = toolCallRecord(ts, fields, secretNeedles(this.options.secrets()));
    return record ? this.commit(record) : this.append({ event: 'tool.called', ts, ...fields });
  }

  /** Now as a record's `ts` (toISOString's form). */
  private now(): string {
    return this.timestamps.format(this.options.now ? this.options.now().getTime() : Date.now());
  }

  /** Queue (deferWrites) or write a checked, redacted record, then tell the listeners. */
  private commit(record: AuditRecord): AuditRecord {
    const json = JSON.stringify(record);
    if (this.options.deferWrites) {
      // Chained when written (flush), in queue order, which is append order: the hash stays
      // off the path that answers a token request (bench:token).
      this.queued.push(json);
      this.flushTimer ??= setImmediate(() => this.flushOrReport());
    } else {
      this.guardChain(() => this.writeLine(this.chainNext(json)));
    }
    this._onDidAppend.fire(record);
    return record;
  }

  /**
   * Write a coalesced record (one with `count`, e.g. refused unauthenticated requests) only
   * if it fits the current file without rotating it and the file's coalesced records stay
   * within a tenth of `maxBytes`; otherwise write nothing and return undefined, and the
   * caller keeps counting. Written at once, after any deferred lines.
   *
   * Security: issue 10 item 4. Only `append` can rotate, so traffic that produces nothing
   * but coalesced records (an unauthenticated flood) can never push real history out of
   * the window, however long it lasts; and every file is at least nine tenths other records.
   */
  appendBounded(input: AuditInput): AuditRecord | undefined {
    const record = this.prepare(input);
    if (record.count === undefined) throw new BugError('appendBounded takes coalesced records only (with count); use append');
    this.flush();
    const line = this.chainLine(JSON.stringify(record));
    const bytes = Buffer.from(`${line}\n`);
    const current = this.current();
    const budget = Math.floor(this.options.settings.maxBytes / BOUNDED_SHARE);
    if (current.bounded + bytes.length > budget || current.size + bytes.length > this.options.settings.maxBytes) return undefined;
    this.guardChain(() => fs.writeSync(current.fd, bytes));
    // Only a record that was written moves the chain on; a refused one never existed.
    this.head = hashAuditLine(line);
    current.size += bytes.length;
    current.bounded += bytes.length;
    this._onDidAppend.fire(record);
    return record;
  }

  /**
   * Write a signed checkpoint (issue 14 item 4): an `audit.checkpoint` record whose `sig`
   * signs its own `prev`, the chain head, after any deferred lines. Returns what was written.
   */
  appendCheckpoint(key: { keyId: string; sign(prev: string, ts: string): string }): AuditRecord {
    this.flush();
    const ts = (this.options.now?.() ?? new Date()).toISOString();
    this.head ??= auditChainHead(this.file);
    const record = this.prepare({ event: 'audit.checkpoint', ts, keyId: key.keyId, sig: key.sign(this.head, ts) });
    this.guardChain(() => this.writeLine(this.chainNext(JSON.stringify(record))));
    this._onDidAppend.fire(record);
    return record;
  }

  private prepare(input: AuditInput): AuditRecord {
    if (this.isDisposed) throw new BugError('AuditLog.append after dispose; audit before disposing the host');
    const candidate = { ...input, ts: input.ts ?? this.now() };
    // The same acceptance as the schema, without zod's generic parse on every tool call
    // (check-audit-record.ts); anything it does not take goes to zod, which decides and says why.
    const checked = checkAuditRecord(candidate);
    if (checked) return redactRecord(checked, this.options.secrets());
    const parsed = AuditRecord.safeParse(candidate);
    if (!parsed.success) {
      // The zod message names the field and the problem, never the value (which may be secret).
      const { path: field, message } = firstIssue(parsed.error);
      throw new BugError(`invalid audit record: ${field || '(root)'}: ${message}; fix the caller`);
    }
    return redactRecord(parsed.data, this.options.secrets());
  }

  /** The line (without `\n`) for `record`, chained to the last line written (audit-chain.ts). */
  private chainLine(json: string): string {
    this.head ??= auditChainHead(this.file);
    return chainedAuditLine(json, this.head);
  }

  /** The next line (with `\n`) for a record's JSON, moving the chain head on to it. */
  private chainNext(json: string): string {
    const line = this.chainLine(json);
    this.head = hashAuditLine(line);
    return `${line}\n`;
  }

  /**
   * Run a write; if it fails, forget the chain head so the next line chains to what the
   * file really ends with, not to lines that never reached it.
   */
  private guardChain<T>(write: () => T): T {
    try {
      return write();
    } catch (e) {
      this.head = undefined;
      throw e;
    }
  }

  /** Write every deferred line now (deferWrites). Lines keep their order and stay whole. */
  flush(): void {
    clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const queued = this.queued.splice(0);
    this.guardChain(() => this.writeBatches(queued.map((json) => this.chainNext(json))));
  }

  /** A deferred flush: nobody waits on it, so a failure goes to onDidFail rather than up a timer's stack. */
  private flushOrReport(): void {
    try {
      this.flush();
    } catch (e) {
      this._onDidFail.fire(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private writeBatches(lines: readonly string[]): void {
    // One write for the batch, split only where a rotation must fall between two lines.
    let batch = '';
    let batchBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      // writeLine rotates before a batch that would not fit; keep each batch small enough
      // to fit in one file, so rotation still falls between lines.
      if (batch && (this.current().size + batchBytes + bytes > this.options.settings.maxBytes)) {
        this.writeLine(batch, batchBytes);
        batch = '';
        batchBytes = 0;
      }
      batch += line;
      batchBytes += bytes;
    }
    if (batch) this.writeLine(batch, batchBytes);
  }

  /**
   * Write whole lines (`text` ends with `\n`; `bytes`, its UTF-8 length, when the caller has
   * already counted it), rotating first when they would not fit.
   */
  private writeLine(text: string, bytes = Buffer.byteLength(text)): void {
    // The string goes to the file as UTF-8 in one write, as a Buffer of it would, without
    // building that Buffer in JS first.
    let current = this.current();
    // A line never straddles two files; one longer than maxBytes still gets a file of its own.
    if (current.size > 0 && current.size + bytes > this.options.settings.maxBytes) {
      this.closeFile();
      rotateAuditFiles(this.file, this.options.settings.keep);
      current = this.current();
    }
    fs.writeSync(current.fd, text);
    current.size += bytes;
    // A coalesced record that reached the log through append still counts against the budget.
    // Searched in the string, not the buffer: the same answer without a search through bytes.
    current.bounded += boundedBytes(text);
  }

  /**
   * The open log file. Kept open between appends: the token path audits every grant, and
   * an open (or even a stat) per line doubled its latency. At most once a second we check
   * that the path still names our file; a log deleted or replaced behind our back is then
   * reopened, so at most a second of lines can go to a file someone else unlinked.
   */
  private current(): OpenFile {
    if (this.openFile) {
      const now = Date.now();
      if (now - this.checkedAt < IDENTITY_CHECK_MS) return this.openFile;
      this.checkedAt = now;
      const st = fs.statSync(this.file, { throwIfNoEntry: false });
      if (st && st.ino === this.openFile.ino) return this.openFile;
      this.closeFile();
    }
    this.checkedAt = Date.now();
    this.openFile = this.open();
    return this.openFile;
  }

  /** Check now, on the next append, that the path still names our file (tests; after a rotation by hand). */
  recheckFile(): void {
    this.checkedAt = 0;
  }

  private closeFile(): void {
    if (!this.openFile) return;
    fs.closeSync(this.openFile.fd);
    this.openFile = undefined;
  }

  override dispose(): void {
    // A second dispose finds nothing queued (append refuses after the first) and writes nothing.
    // A last flush that fails is reported, not thrown: the rest must still be released.
    try {
      this.flushOrReport();
    } finally {
      this.closeFile();
      super.dispose();
    }
  }

  /** Open for appending, creating home and file if missing and tightening a loose mode. */
  private open(): OpenFile {
    // Security: before every open (the first, after a rotation, a replaced log, a failed write):
    // a home removed while we run is recreated 0700 rather than the trail lost, and a home made
    // looser, or replaced by a link or another user's folder, is tightened or refused (D174).
    ensurePrivateDir(path.dirname(this.file));
    const fd = fs.openSync(this.file, OPEN_FLAGS, FILE_MODE);
    try {
      // Security: the create mode only applies to a new file; one made looser (by hand, by
      // a restore from backup) is tightened before anything more is written to it. Always:
      // on a file that is 0600 already it changes nothing (and Windows keeps only the write bit).
      fs.fchmodSync(fd, FILE_MODE);
      const st = fs.fstatSync(fd);
      // An existing file may already hold coalesced records (from before a restart): count them.
      // Stryker disable next-line StringLiteral: without an encoding the bytes are searched the same way (byte offsets for character offsets)
      const bounded = boundedBytes(fs.readFileSync(fd, 'utf8'));
      let size = st.size;
      // A torn last line (a crash mid-write) is ended here, so the next record starts a
      // line of its own; the chain already counts the torn bytes as a line (auditChainHead).
      if (size > 0 && !endsWithNewline(fd, size)) size += fs.writeSync(fd, '\n');
      return { fd, size, ino: st.ino, bounded };
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }
}

/** Bytes taken by the coalesced records (lines with a `count` key) in `text`; jumps from mark to mark, since few lines have one. */
function boundedBytes(text: string): number {
  let total = 0;
  for (let at = text.indexOf(BOUNDED_MARK); at !== -1; ) {
    const start = text.lastIndexOf('\n', at) + 1;
    const newline = text.indexOf('\n', at);
    const end = newline === -1 ? text.length : newline;
    total += Buffer.byteLength(text.slice(start, end)) + 1;
    at = text.indexOf(BOUNDED_MARK, end);
  }
  return total;
}

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  return fs.readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a;
}
