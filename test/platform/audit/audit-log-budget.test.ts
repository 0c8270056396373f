// AuditLog's edges that decide what history survives (issue 10 item 4, issue 14 item 4; the
// `audit` mutation area): the coalesced records' budget to the byte (a tenth of the file,
// and never past the file's size), counted again to the byte after a restart; a write that
// failed does not move the chain; a line longer than a file into an empty log rotates
// nothing away; a log replaced behind the writer's back is written anew, the old one left as
// it was. Real files throughout.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import { AuditLog, type AuditLogOptions } from '../../../src/platform/audit/audit-log.js';
import { verifyAuditChain } from '../../../src/platform/audit/verify-audit.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-audit-budget-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshHome = () => path.join(root, `home-${n++}`);
const FIXED = new Date('2026-12-07T00:00:00.000Z');
/** Not a multiple of ten: the budget is a tenth rounded down. */
const MAX = 10_009;
/** A tenth of MAX, rounded down: what coalesced records may take of a file. */
const BUDGET = 1000;

function makeLog(overrides: Partial<AuditLogOptions> = {}): AuditLog {
  return new AuditLog({ home: freshHome(), settings: { maxBytes: MAX, keep: 2 }, secrets: () => [], now: () => FIXED, ...overrides });
}
const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

type Input = Parameters<AuditLog['append']>[0];
const refusal = (reasonLength: number): Input => ({ event: 'gateway.rejected', code: 'bad_origin', reason: 'r'.repeat(reasonLength), count: 7 });
const real = (reasonLength: number): Input => ({ event: 'tool.called', tool: 'list-vms', reason: 'x'.repeat(reasonLength) });

/** The bytes (with `\n`) of the line `input` makes: every line's link has the same length, so a probe log tells. */
function bytesOf(input: Input): number {
  const probe = makeLog();
  probe.append(input);
  probe.dispose();
  return size(probe.file);
}
/** `make(L)` for the L that makes a line of exactly `bytes` bytes (ASCII padding: one byte per unit; the redactor cuts a text at 512). */
function sized(make: (reasonLength: number) => Input, bytes: number): Input {
  const base = bytesOf(make(0));
  assert.ok(bytes >= base, `no ${bytes}-byte line of this kind`);
  const input = make(bytes - base);
  assert.equal(bytesOf(input), bytes);
  return input;
}

describe('AuditLog.appendBounded(): the budget to the byte', () => {
  it('takes coalesced records up to exactly a tenth of maxBytes, and not one byte more', () => {
    const exact = makeLog();
    const half = sized(refusal, BUDGET / 2);
    assert.ok(exact.appendBounded(half), 'half the budget is taken');
    assert.ok(exact.appendBounded(half), 'the two fill the budget exactly');
    assert.equal(exact.appendBounded(sized(refusal, bytesOf(refusal(0)))), undefined, 'then even the smallest is refused');
    assert.equal(size(exact.file), BUDGET);
    // A real record after them chains to the last one written.
    exact.append({ event: 'lock' });
    exact.dispose();
    assert.equal(verifyAuditChain(exact.file).ok, true);

    const over = makeLog();
    assert.ok(over.appendBounded(half), 'half the budget is taken');
    const seen: AuditRecord[] = [];
    over.onDidAppend((r) => seen.push(r));
    assert.equal(over.appendBounded(sized(refusal, BUDGET / 2 + 1)), undefined, 'one byte over the budget');
    assert.deepEqual(seen, [], 'a refused record is not announced (it was never written)');
    assert.equal(size(over.file), BUDGET / 2);
    over.dispose();
  });

  it('never writes past maxBytes, even with budget left, and never rotates', () => {
    const log = makeLog();
    // Real records until exactly 300 bytes are left in the file.
    const one = bytesOf(real(100));
    while (size(log.file) + 2 * one < MAX - 300) log.append(real(100));
    log.append(sized(real, MAX - 300 - size(log.file)));
    assert.equal(size(log.file), MAX - 300);
    assert.equal(log.appendBounded(sized(refusal, 301)), undefined, 'one byte more than is left');
    assert.ok(log.appendBounded(sized(refusal, 300)), 'exactly what is left');
    assert.equal(size(log.file), MAX);
    assert.equal(log.appendBounded(sized(refusal, bytesOf(refusal(0)))), undefined);
    assert.equal(fs.existsSync(`${log.file}.1`), false, 'coalesced records never rotate the log');
    log.dispose();
    assert.equal(verifyAuditChain(log.file).ok, true);
  });

  it('after a restart, counts the coalesced records already in the file to the byte, wherever they sit', () => {
    const home = freshHome();
    const first = makeLog({ home });
    first.append(real(10));
    assert.ok(first.appendBounded(sized(refusal, 200)), 'a 200-byte refusal is taken');
    first.append(real(20));
    // A coalesced record that reached the log through append() counts too.
    first.append(sized(refusal, 180));
    first.append(real(30));
    first.dispose();
    const spent = 380;
    const tooMuch = makeLog({ home });
    assert.equal(tooMuch.appendBounded(sized(refusal, BUDGET - spent + 1)), undefined, 'one byte over what is left of the budget');
    tooMuch.dispose();
    const exact = makeLog({ home });
    assert.ok(exact.appendBounded(sized(refusal, BUDGET - spent)), 'exactly what is left');
    exact.dispose();
  });

  it('counts a coalesced last line torn before its newline as the writer ends it', () => {
    const home = freshHome();
    const first = makeLog({ home });
    first.append(real(10));
    assert.ok(first.appendBounded(sized(refusal, 400)), 'a 400-byte refusal is taken');
    first.dispose();
    fs.truncateSync(first.file, size(first.file) - 1); // the crash lost only the newline
    const tooMuch = makeLog({ home });
    assert.equal(tooMuch.appendBounded(sized(refusal, BUDGET - 400 + 1)), undefined);
    tooMuch.dispose();
    const exact = makeLog({ home });
    assert.ok(exact.appendBounded(sized(refusal, BUDGET - 400)), 'exactly what is left of the budget is taken');
    exact.dispose();
    assert.equal(verifyAuditChain(first.file).ok, true);
  });

  it('counts coalesced records written in a batch of deferred lines', async () => {
    const log = makeLog({ deferWrites: true });
    log.append(real(10));
    log.append(sized(refusal, 400));
    log.append(real(10));
    await new Promise((r) => setImmediate(r));
    assert.equal(log.appendBounded(sized(refusal, BUDGET - 400 + 1)), undefined);
    assert.ok(log.appendBounded(sized(refusal, BUDGET - 400)), 'exactly what is left of the budget is taken');
    log.dispose();
  });
});

describe('AuditLog: what a failure or a stranger leaves of the history', () => {
  it('a line that could not be written does not move the chain: the next one chains to what the file really ends with', { skip: process.platform === 'win32' && 'O_NOFOLLOW is POSIX' }, () => {
    const log = makeLog({ settings: { maxBytes: MAX, keep: 5 } });
    log.append({ event: 'host.started' });
    // Rotated by someone else, and a symlink planted where the log was: the next write fails (ELOOP).
    fs.renameSync(log.file, `${log.file}.1`);
    const target = path.join(root, `elsewhere-${n++}`);
    fs.writeFileSync(target, '');
    fs.symlinkSync(target, log.file);
    log.recheckFile();
    assert.throws(() => log.append({ event: 'lock' }), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
    assert.equal(fs.readFileSync(target, 'utf8'), '');
    fs.unlinkSync(log.file);
    log.recheckFile();
    log.append({ event: 'host.stopped' });
    log.dispose();
    const before = lines(`${log.file}.1`);
    const written = lines(log.file);
    assert.equal(written.length, 1);
    assert.equal((JSON.parse(written[0]!) as { prev: string }).prev, sha(before.at(-1)!), 'not the hash of the line that never reached the file');
    const r = verifyAuditChain(log.file);
    assert.ok(r.ok && r.records === 2 && r.start.kind === 'genesis', JSON.stringify(r));
  });

  it('a line that fits exactly stays in the file (which is then exactly maxBytes); one byte more starts the next', async () => {
    for (const deferWrites of [false, true]) {
      const log = makeLog({ deferWrites });
      const one = bytesOf(real(100));
      while (size(log.file) + 2 * one < MAX - 300) {
        log.append(real(100));
        log.flush();
      }
      log.append(sized(real, MAX - 300 - size(log.file)));
      log.flush();
      log.append(sized(real, 300));
      log.flush();
      assert.equal(size(log.file), MAX, `deferWrites ${deferWrites}`);
      assert.equal(fs.existsSync(`${log.file}.1`), false, `deferWrites ${deferWrites}: no rotation for a line that fits`);
      log.append(sized(real, 200));
      log.flush();
      assert.equal(size(`${log.file}.1`), MAX);
      assert.equal(size(log.file), 200);
      log.dispose();
      assert.equal(verifyAuditChain(log.file).ok, true);
    }
  });

  it('a line longer than a file, into an empty log, gets that file: no generation is rotated away for it', () => {
    const home = freshHome();
    const settings = { maxBytes: 400, keep: 1 };
    const first = makeLog({ home, settings });
    first.append({ event: 'unlock.approved', endpoint: 'vc1' });
    first.dispose();
    // Rotated by hand (or a crash right after a rotation): the live log is empty, the history in audit.log.1.
    fs.renameSync(first.file, `${first.file}.1`);
    fs.writeFileSync(first.file, '', { mode: 0o600 });
    const history = fs.readFileSync(`${first.file}.1`, 'utf8');
    const second = makeLog({ home, settings });
    second.append({ event: 'tool.failed', reason: 'r'.repeat(600) });
    second.dispose();
    assert.equal(fs.readFileSync(`${first.file}.1`, 'utf8'), history, 'the history is still there');
    assert.equal(lines(first.file).length, 1);
    assert.equal(verifyAuditChain(first.file).ok, true);
  });

  it('a log replaced behind its back is noticed at the next check: new lines go to the new file, the old one stays as it was', () => {
    const log = makeLog({ settings: { maxBytes: MAX, keep: 5 } });
    log.append({ event: 'host.started' });
    fs.renameSync(log.file, `${log.file}.1`); // logrotate, or someone else, who makes a new empty log
    fs.writeFileSync(log.file, '', { mode: 0o600 });
    const moved = fs.readFileSync(`${log.file}.1`, 'utf8');
    log.recheckFile();
    log.append({ event: 'lock' });
    log.dispose();
    assert.equal(fs.readFileSync(`${log.file}.1`, 'utf8'), moved);
    assert.deepEqual(lines(log.file).map((l) => (JSON.parse(l) as { event: string }).event), ['lock']);
    assert.equal((JSON.parse(lines(log.file)[0]!) as { prev: string }).prev, sha(moved.trimEnd()), 'still one chain');
    assert.equal(verifyAuditChain(log.file).ok, true);
  });

});
