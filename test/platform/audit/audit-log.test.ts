import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import { BugError } from '../../../src/base/errors/core-error.js';
import { AuditLog, type AuditLogOptions } from '../../../src/platform/audit/audit-log.js';
import { REDACTED } from '../../../src/platform/audit/redact-record.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-audit-log-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshHome = () => path.join(root, `home-${n++}`);
const posix = process.platform !== 'win32';
const FIXED = new Date('2026-11-24T10:00:00.000Z');

function makeLog(overrides: Partial<AuditLogOptions> = {}): AuditLog {
  return new AuditLog({ home: freshHome(), settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => [], now: () => FIXED, ...overrides });
}

/** The records of a file, each without its chain link `prev` (checked to be there: audit-chain.test.ts tests its value). */
function lines(file: string): unknown[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const { prev, ...record } = JSON.parse(l) as Record<string, unknown>;
    assert.match(String(prev), /^[0-9a-f]{64}$/);
    return record;
  });
}

describe('AuditLog.append()', () => {
  it('writes one JSON line per record to <home>/audit.log, each a valid AuditRecord', () => {
    const log = makeLog();
    log.append({ event: 'unlock.requested', endpoint: 'vc1', client: 'claude' });
    log.append({ event: 'unlock.approved', endpoint: 'vc1', ttlSeconds: 14400 });
    assert.equal(log.file, path.join(path.dirname(log.file), 'audit.log'));
    const parsed = lines(log.file).map((l) => AuditRecord.parse(l));
    assert.deepEqual(parsed, [
      { ts: FIXED.toISOString(), event: 'unlock.requested', endpoint: 'vc1', client: 'claude' },
      { ts: FIXED.toISOString(), event: 'unlock.approved', endpoint: 'vc1', ttlSeconds: 14400 },
    ]);
    log.dispose();
  });

  it('keeps a ts the caller supplies', () => {
    const log = makeLog();
    const written = log.append({ ts: '2025-01-02T03:04:05.000Z', event: 'lock' });
    assert.equal(written.ts, '2025-01-02T03:04:05.000Z');
    log.dispose();
  });

  it('creates the file 0600 inside a 0700 home', { skip: !posix && 'POSIX modes only' }, () => {
    const log = makeLog();
    log.append({ event: 'host.started', pid: process.pid });
    assert.equal(fs.statSync(log.file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(log.file)).mode & 0o777, 0o700);
    log.dispose();
  });

  it('tightens an existing log whose mode is looser than 0600', { skip: !posix && 'POSIX modes only' }, () => {
    const home = freshHome();
    fs.mkdirSync(home, { mode: 0o700 });
    fs.writeFileSync(path.join(home, 'audit.log'), '', { mode: 0o644 });
    fs.chmodSync(path.join(home, 'audit.log'), 0o644);
    const log = makeLog({ home });
    log.append({ event: 'lock' });
    assert.equal(fs.statSync(log.file).mode & 0o777, 0o600);
    log.dispose();
  });

  it('refuses to follow a symlink planted at audit.log', { skip: !posix && 'O_NOFOLLOW is POSIX' }, () => {
    const home = freshHome();
    fs.mkdirSync(home, { mode: 0o700 });
    const target = path.join(root, `elsewhere-${n}`);
    fs.writeFileSync(target, '');
    fs.symlinkSync(target, path.join(home, 'audit.log'));
    const log = makeLog({ home });
    assert.throws(() => log.append({ event: 'lock' }), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
    assert.equal(fs.readFileSync(target, 'utf8'), '');
    log.dispose();
  });

  it('recreates the log when it was deleted while running', () => {
    const log = makeLog();
    log.append({ event: 'host.started' });
    fs.rmSync(path.dirname(log.file), { recursive: true });
    log.recheckFile(); // what the once-a-second identity check does on its own in a running host
    log.append({ event: 'host.stopped' });
    assert.deepEqual(lines(log.file).map((l) => (l as AuditRecord).event), ['host.stopped']);
    log.dispose();
  });

  it('throws BugError for a record with an unknown field, and writes nothing', () => {
    const log = makeLog();
    const bad = { event: 'session.login', password: 'hunter2-secret' } as unknown as Parameters<AuditLog['append']>[0];
    assert.throws(() => log.append(bad), (e) => e instanceof BugError && !e.message.includes('hunter2'));
    assert.equal(fs.existsSync(log.file), false);
    log.dispose();
  });

  it('throws BugError for an unknown event', () => {
    const log = makeLog();
    const bad = { event: 'vault.opened' } as unknown as Parameters<AuditLog['append']>[0];
    assert.throws(() => log.append(bad), BugError);
    log.dispose();
  });

  it('redacts every field holding a secret the provider reports as live right now', () => {
    const live = new Set<string>();
    const log = makeLog({ secrets: () => live });
    log.append({ event: 'tool.failed', reason: 'token abcd-1234-efgh leaked', tool: 'list-vms' });
    live.add('abcd-1234-efgh');
    log.append({ event: 'tool.failed', reason: 'token abcd-1234-efgh leaked', client: 'x abcd-1234-efgh', tool: 'list-vms' });
    const text = fs.readFileSync(log.file, 'utf8');
    const [before, afterAdd] = lines(log.file) as AuditRecord[];
    assert.equal(before?.reason, 'token abcd-1234-efgh leaked');
    assert.deepEqual(afterAdd, { ts: FIXED.toISOString(), event: 'tool.failed', reason: REDACTED, client: REDACTED, tool: 'list-vms' });
    assert.equal(text.split('abcd-1234-efgh').length, 2, 'only the line written before the secret went live holds it');
    log.dispose();
  });

  it('fires onDidAppend with the record as written, redacted', () => {
    const log = makeLog({ secrets: () => ['pa55word!'] });
    const seen: AuditRecord[] = [];
    const sub = log.onDidAppend((r) => seen.push(r));
    log.append({ event: 'session.failed', endpoint: 'vc1', reason: 'bad pa55word!' });
    sub.dispose();
    log.append({ event: 'lock' });
    assert.deepEqual(seen, [{ ts: FIXED.toISOString(), event: 'session.failed', endpoint: 'vc1', reason: REDACTED }]);
    log.dispose();
  });

  it('refuses appends after dispose and leaves no listener behind', () => {
    const log = makeLog();
    const seen: AuditRecord[] = [];
    log.onDidAppend((r) => seen.push(r));
    log.dispose();
    assert.throws(() => log.append({ event: 'lock' }), BugError);
    assert.deepEqual(seen, []);
  });
});

describe('AuditLog rotation', () => {
  it('rotates by size, keeps `keep` generations and loses no line in between', () => {
    const maxBytes = 400;
    const log = makeLog({ settings: { maxBytes, keep: 2 } });
    for (let i = 1; i <= 40; i++) log.append({ event: 'tool.called', pid: i, tool: 'list-vms' });
    const dir = path.dirname(log.file);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['audit.log', 'audit.log.1', 'audit.log.2']);
    const files = [`${log.file}.2`, `${log.file}.1`, log.file];
    for (const f of files) assert.ok(fs.statSync(f).size <= maxBytes, `${path.basename(f)} is within maxBytes`);
    // Oldest generation first, then newer: the pids read back in order and end at the last one.
    const pids = files.flatMap((f) => lines(f).map((l) => AuditRecord.parse(l).pid));
    assert.equal(pids.at(-1), 40);
    assert.deepEqual(pids, Array.from({ length: pids.length }, (_, k) => 40 - pids.length + 1 + k));
    if (posix) for (const f of files) assert.equal(fs.statSync(f).mode & 0o777, 0o600);
    log.dispose();
  });

  it('writes a line larger than maxBytes into a file of its own', () => {
    const log = makeLog({ settings: { maxBytes: 100, keep: 1 } });
    log.append({ event: 'lock' });
    log.append({ event: 'tool.failed', reason: 'r'.repeat(300) });
    assert.equal(lines(log.file).length, 1);
    assert.equal(lines(`${log.file}.1`).length, 1);
    log.dispose();
  });
});

describe('AuditLog with deferWrites', () => {
  it('writes the lines of one turn together at its end, in order', async () => {
    const log = makeLog({ deferWrites: true });
    log.append({ event: 'host.started' });
    log.append({ event: 'token.granted', endpoint: 'vc1' });
    assert.equal(fs.existsSync(log.file), false, 'nothing is written inside append');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(lines(log.file).map((l) => (l as AuditRecord).event), ['host.started', 'token.granted']);
    log.dispose();
  });

  it('writes pending lines on dispose, so a clean stop loses nothing', () => {
    const log = makeLog({ deferWrites: true });
    log.append({ event: 'host.stopped' });
    log.dispose();
    assert.deepEqual(lines(log.file).map((l) => (l as AuditRecord).event), ['host.stopped']);
  });

  it('still rotates between lines, never inside one', async () => {
    const log = makeLog({ deferWrites: true, settings: { maxBytes: 64 * 1024, keep: 2 } });
    const reason = 'x'.repeat(400);
    for (let i = 0; i < 400; i++) log.append({ event: 'tool.called', reason });
    log.flush();
    const all = [log.file, `${log.file}.1`, `${log.file}.2`].filter((f) => fs.existsSync(f));
    assert.equal(all.length, 3);
    for (const f of all) {
      assert.ok(fs.statSync(f).size <= 64 * 1024, 'no audit file grows past 64 KiB');
      assert.ok(lines(f).every((l) => (l as AuditRecord).event === 'tool.called'), 'every line of every file is a tool.called record');
    }
    log.dispose();
  });
});

describe('AuditLog.appendBounded() (issue 10 item 4)', () => {
  const maxBytes = 64 * 1024;
  const refusal = (i: number) => ({ event: 'gateway.rejected' as const, code: 'bad_origin', reason: `http from 127.0.0.1: Origin https://evil-${i}.example`, count: 1 + i });
  const boundedBytesIn = (file: string) =>
    fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"count":')).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);

  it('never rotates: coalesced records fill at most a tenth of the file, then are refused while real records keep their place', () => {
    const log = makeLog({ settings: { maxBytes, keep: 1 } });
    log.append({ event: 'unlock.approved', endpoint: 'vc1', ttlSeconds: 60 });
    let written = 0;
    for (let i = 0; i < 10_000 && log.appendBounded(refusal(i)) !== undefined; i++) written++;
    assert.ok(written > 10, `${written} coalesced records fit`);
    assert.equal(log.appendBounded(refusal(0)), undefined, 'refused once the budget is spent');
    assert.equal(fs.existsSync(`${log.file}.1`), false, 'no rotation');
    const bounded = boundedBytesIn(log.file);
    assert.ok(bounded <= maxBytes / 10, `${bounded} bytes of coalesced records in a ${maxBytes}-byte file`);
    assert.equal(lines(log.file).filter((l) => (l as AuditRecord).event === 'unlock.approved').length, 1);
    log.dispose();
  });

  it('has room again in the next file once real records rotate the log', () => {
    const log = makeLog({ settings: { maxBytes, keep: 2 } });
    for (let i = 0; i < 5000 && log.appendBounded(refusal(1)) !== undefined; i++);
    for (let i = 0; i < 5000 && !fs.existsSync(`${log.file}.1`); i++) log.append({ event: 'tool.called', tool: 'list-vms', pid: i + 1 });
    assert.notEqual(log.appendBounded(refusal(2)), undefined);
    log.dispose();
  });

  it('counts the coalesced records already in an existing file when it reopens, and those written through append()', () => {
    const home = freshHome();
    const first = makeLog({ home, settings: { maxBytes, keep: 1 } });
    for (let i = 0; i < 5000 && first.appendBounded(refusal(3)) !== undefined; i++);
    first.dispose();
    const second = makeLog({ home, settings: { maxBytes, keep: 1 } });
    assert.equal(second.appendBounded(refusal(4)), undefined, 'the budget of this file was spent before the restart');
    second.dispose();
    const third = makeLog({ settings: { maxBytes, keep: 1 } });
    for (let i = 0; i < 400; i++) third.append(refusal(i));
    assert.equal(third.appendBounded(refusal(5)), undefined);
    third.dispose();
  });

  it('throws BugError for a record without count', () => {
    const log = makeLog();
    assert.throws(() => log.appendBounded({ event: 'unlock.approved' }), BugError);
    log.dispose();
  });
});
