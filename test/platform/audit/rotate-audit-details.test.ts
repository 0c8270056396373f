// Audit rotation and the readers, the edges (the `audit` mutation area): rotation keeps
// every line and their order through the real writer, an error that is not "missing" is
// never taken for "no history", the generation names, and what `audit` and `audit export`
// read (blank lines, malformed lines, lines as stored).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../../src/platform/audit/audit-log.js';
import { readAudit, readAuditFile, readRetainedAuditLines } from '../../../src/platform/audit/read-audit.js';
import { listRotatedAuditFiles, rotateAuditFiles, rotatedAuditFile } from '../../../src/platform/audit/rotate-audit.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-rotate-details-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const dir = () => {
  const d = path.join(root, `d${n++}`);
  fs.mkdirSync(d);
  return d;
};
const line = (pid: number) => JSON.stringify({ ts: '2026-12-07T00:00:00.000Z', event: 'tool.called', pid });

describe('rotateAuditFiles(): edges', () => {
  it('refuses a keep that is not a positive whole number, and changes nothing', () => {
    const file = path.join(dir(), 'audit.log');
    fs.writeFileSync(file, 'live');
    for (const keep of [0, -1, 1.5, Number.NaN, Infinity]) assert.throws(() => rotateAuditFiles(file, keep), { name: 'RangeError', message: `keep must be a positive integer, got ${keep}` });
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['audit.log']);
  });

  it('with keep 1, the live file replaces the one generation', () => {
    const file = path.join(dir(), 'audit.log');
    fs.writeFileSync(file, 'live');
    fs.writeFileSync(rotatedAuditFile(file, 1), 'old');
    rotateAuditFiles(file, 1);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['audit.log.1']);
    assert.equal(fs.readFileSync(rotatedAuditFile(file, 1), 'utf8'), 'live');
  });

  it('throws what is not a missing file, rather than losing a generation silently', () => {
    const file = path.join(dir(), 'audit.log');
    fs.writeFileSync(file, 'live');
    fs.mkdirSync(rotatedAuditFile(file, 2)); // a folder where the oldest generation goes: unlink fails (EISDIR/EPERM)
    fs.writeFileSync(path.join(rotatedAuditFile(file, 2), 'x'), '');
    assert.throws(() => rotateAuditFiles(file, 2), (e: NodeJS.ErrnoException) => e.code !== 'ENOENT' && typeof e.code === 'string');
    assert.equal(fs.readFileSync(file, 'utf8'), 'live', 'the live log was not moved');
  });

  it('keeps every line and their order through the real writer, across many rotations', () => {
    const home = dir();
    const log = new AuditLog({ home, settings: { maxBytes: 300, keep: 1000 }, secrets: () => [] });
    for (let i = 1; i <= 60; i++) log.append({ event: 'tool.called', pid: i });
    log.dispose();
    assert.ok(listRotatedAuditFiles(log.file).length >= 20, 'at least 20 rotated files are kept');
    assert.deepEqual(readAudit(home, { fromRotated: true }).records.map((r) => r.pid), Array.from({ length: 60 }, (_, i) => i + 1));
  });
});

describe('listRotatedAuditFiles(): names', () => {
  it('takes generations 1 to 999999, oldest first, and nothing else', () => {
    const file = path.join(dir(), 'audit.log');
    for (const g of ['1', '9', '10', '999999', '1000000', '0', '00', '-1', '1e3', '+1', ' 1', '1 ', 'x1']) fs.writeFileSync(`${file}.${g}`, '');
    fs.writeFileSync(path.join(path.dirname(file), 'audit.logx.1'), '');
    fs.writeFileSync(path.join(path.dirname(file), 'xaudit.log.1'), '');
    // Another file of the same length: only the log's own generations count.
    fs.writeFileSync(path.join(path.dirname(file), 'audit.loh.3'), '');
    fs.writeFileSync(path.join(path.dirname(file), 'audit_log.4'), '');
    assert.deepEqual(listRotatedAuditFiles(file).map((f) => path.basename(f)), ['audit.log.999999', 'audit.log.10', 'audit.log.9', 'audit.log.1']);
  });

  it('throws what is not a missing folder (never "no history" for a log it cannot list)', () => {
    const notADir = path.join(dir(), 'file');
    fs.writeFileSync(notADir, '');
    assert.throws(() => listRotatedAuditFiles(path.join(notADir, 'audit.log')), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
  });
});

describe('the readers', () => {
  it('readRetainedAuditLines: every valid line as stored (link included), oldest first; malformed lines counted, blank ones not', () => {
    const d = dir();
    const file = path.join(d, 'audit.log');
    const chained = `{"ts":"2026-12-07T00:00:00.000Z","event":"lock","prev":"${'0'.repeat(64)}"}`;
    fs.writeFileSync(`${file}.2`, `${line(1)}\n`);
    fs.writeFileSync(`${file}.1`, `${line(2)}\n\n{"torn\n`);
    fs.writeFileSync(file, `${chained}\n   \n${line(3)}`);
    const { lines, malformed } = readRetainedAuditLines(file);
    assert.deepEqual(lines.map((l) => l.text), [line(1), line(2), chained, line(3)]);
    assert.deepEqual(lines.map((l) => l.record.event), ['tool.called', 'tool.called', 'lock', 'tool.called']);
    assert.equal(Object.hasOwn(lines[2]!.record, 'prev'), false);
    assert.equal(malformed, 2, 'the torn line and the line of spaces');
    assert.deepEqual(readRetainedAuditLines(path.join(dir(), 'audit.log')), { lines: [], malformed: 0 });
  });

  it('throw what is not a missing file', () => {
    const d = dir();
    const file = path.join(d, 'audit.log');
    fs.mkdirSync(file);
    assert.throws(() => readAuditFile(file), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
    assert.throws(() => readRetainedAuditLines(file), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
    assert.throws(() => readAudit(d), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
  });

  it('readAudit: without fromRotated, only the live file; with it false, the same', () => {
    const d = dir();
    fs.writeFileSync(path.join(d, 'audit.log'), `${line(2)}\n`);
    fs.writeFileSync(path.join(d, 'audit.log.1'), `${line(1)}\nnot json\n`);
    assert.deepEqual(readAudit(d, { fromRotated: false }), { records: [JSON.parse(line(2)) as object], malformed: 0 });
    assert.deepEqual(readAudit(d, { fromRotated: true }).malformed, 1);
  });
});
