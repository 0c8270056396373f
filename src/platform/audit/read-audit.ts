import fs from 'node:fs';
import type { AuditRecord } from '../../base/contracts/audit-event.js';
import { homePaths } from '../config/home.js';
import { parseAuditLine, parseChainedAuditLine } from './parse-audit-line.js';
import { listRotatedAuditFiles } from './rotate-audit.js';

/** Options of readAudit. */
export interface ReadAuditOptions {
  /** Also read the rotated generations (`audit.log.N`), oldest first. Default false. */
  fromRotated?: boolean;
}

/** The records of an audit trail, in the order they were written. */
export interface AuditReadResult {
  records: AuditRecord[];
  /** Non-empty lines that were not valid records and were skipped. */
  malformed: number;
}

/** The records of one audit file; a missing file has none. */
export function readAuditFile(file: string): AuditReadResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], malformed: 0 };
    throw e;
  }
  const records: AuditRecord[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = parseAuditLine(line);
    if (record) records.push(record);
    else malformed++;
  }
  return { records, malformed };
}

/**
 * The audit trail under `<home>`: `audit.log`, preceded by its rotated generations when
 * `fromRotated` is set. What `keybroker audit` prints.
 */
export function readAudit(home: string, options: ReadAuditOptions = {}): AuditReadResult {
  const file = homePaths(home).audit;
  const files = options.fromRotated ? [...listRotatedAuditFiles(file), file] : [file];
  const out: AuditReadResult = { records: [], malformed: 0 };
  for (const f of files) {
    const { records, malformed } = readAuditFile(f);
    for (const r of records) out.records.push(r); // No spread: a full file holds more lines than call arguments may be.
    out.malformed += malformed;
  }
  return out;
}

/** One stored line of the trail: its exact text (chain link included) and its record. */
export interface RetainedAuditLine {
  text: string;
  record: AuditRecord;
}

/**
 * Every valid line of the retained trail of the log at `file` (rotated generations oldest
 * first, then `file`), as stored: what `keybroker audit export` writes.
 */
export function readRetainedAuditLines(file: string): { lines: RetainedAuditLine[]; malformed: number } {
  const lines: RetainedAuditLine[] = [];
  let malformed = 0;
  for (const f of [...listRotatedAuditFiles(file), file]) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const parsed = parseChainedAuditLine(line);
      if (parsed) lines.push({ text: line, record: parsed.record });
      else malformed++;
    }
  }
  return { lines, malformed };
}
