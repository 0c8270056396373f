import fs from 'node:fs';
import path from 'node:path';
import { AuditRecord, type AuditInput } from '../../common/contracts/audit-event.js';
import type { Config } from '../../common/contracts/config.js';
import { firstIssue } from '../../common/contracts/format-issue.js';
import { BugError } from '../../common/errors/core-error.js';
import { Emitter } from '../../common/events/emitter.js';
import { DisposableBase } from '../../common/lifecycle/disposable.js';
import { homePaths } from '../config/home.js';
import { ensurePrivateDir } from '../fs/private-dir.js';
import { redactRecord } from './redact-record.js';
import { rotateAuditFiles } from './rotate-audit.js';

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
}

// Security: O_NOFOLLOW, so a symlink planted at audit.log cannot redirect the log elsewhere.
const OPEN_FLAGS = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0);
const FILE_MODE = 0o600;

/**
 * The audit trail (DESIGN.md "Audit"): one JSON line per record in `<home>/audit.log`,
 * mode 0600, rotated by size.
 *
 * Each append opens, writes one whole line with O_APPEND and closes, so a crash loses at
 * most the line being written, and a log deleted or rotated by someone else is recreated
 * instead of written into an unlinked file. Audit volume (unlocks, tool calls) makes the
 * extra open cheap enough. No fsync: a host crash keeps what the kernel has; only a power
 * loss can cost the last lines.
 */
export class AuditLog extends DisposableBase {
  /** The live log file, `<home>/audit.log`. */
  readonly file: string;
  private readonly _onDidAppend = this.register(new Emitter<AuditRecord>());
  /** Fires after a record was written, with the record as written (redacted). */
  readonly onDidAppend = this._onDidAppend.event;
  private homeReady = false;

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
    if (this.isDisposed) throw new BugError('AuditLog.append after dispose; audit before disposing the host');
    const parsed = AuditRecord.safeParse({ ...input, ts: input.ts ?? (this.options.now?.() ?? new Date()).toISOString() });
    if (!parsed.success) {
      // The zod message names the field and the problem, never the value (which may be secret).
      const { path: field, message } = firstIssue(parsed.error);
      throw new BugError(`invalid audit record: ${field || '(root)'}: ${message}; fix the caller`);
    }
    const record = redactRecord(parsed.data, this.options.secrets());
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    this.writeLine(line);
    this._onDidAppend.fire(record);
    return record;
  }

  private writeLine(line: Buffer): void {
    const first = this.open();
    let fd = first.fd;
    try {
      // A line never straddles two files; one longer than maxBytes still gets a file of its own.
      if (first.size > 0 && first.size + line.length > this.options.settings.maxBytes) {
        fs.closeSync(fd);
        fd = -1;
        rotateAuditFiles(this.file, this.options.settings.keep);
        fd = this.open().fd;
      }
      fs.writeSync(fd, line);
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  }

  /** Open for appending, creating home and file if missing and tightening a loose mode. */
  private open(): { fd: number; size: number } {
    if (!this.homeReady) {
      ensurePrivateDir(path.dirname(this.file));
      this.homeReady = true;
    }
    let fd: number;
    try {
      fd = fs.openSync(this.file, OPEN_FLAGS, FILE_MODE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // Home removed while we run: recreate it (0700) rather than lose the trail.
      ensurePrivateDir(path.dirname(this.file));
      fd = fs.openSync(this.file, OPEN_FLAGS, FILE_MODE);
    }
    try {
      const st = fs.fstatSync(fd);
      // Security: the create mode only applies to a new file; one made looser (by hand, by
      // a restore from backup) is tightened before anything more is written to it.
      if (process.platform !== 'win32' && (st.mode & 0o777) !== FILE_MODE) fs.fchmodSync(fd, FILE_MODE);
      return { fd, size: st.size };
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }
}
