// AuditLog's edges that round 7's StrykerJS run left untested (W2-auditlog; every survivor with
// its class: docs/mutation/audit-log-survivors.md): what a caller who breaks the contract is
// told; a checkpoint that is the first thing a writer writes; a log that wrote nothing leaves no
// file; one descriptor, kept open, and one write per turn; the once-a-second check of the file's
// identity, both edges; the home checked before every open (D174); the size after a
// torn last line; a failed open that closes its descriptor (a full disk, in a child with a file
// size limit). Real files throughout; fs calls are counted (call-through), never replaced.
import { after, afterEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BugError } from '../../../src/base/errors/core-error.js';
import { AuditLog, type AuditLogOptions } from '../../../src/platform/audit/audit-log.js';
import { checkpointKeyFrom } from '../../../src/platform/audit/checkpoint-key.js';
import { verifyAuditChain } from '../../../src/platform/audit/verify-audit.js';
import { PrivateDirError } from '../../../src/platform/fs/private-dir-error.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-audit-log-details-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  mock.restoreAll();
  mock.timers.reset();
});
let n = 0;
const freshHome = () => path.join(root, `home-${n++}`);
const FIXED = new Date('2026-12-07T03:00:00.000Z');
const MAX = 4096;
const linux = process.platform === 'linux';
const posix = process.platform !== 'win32';

function makeLog(overrides: Partial<AuditLogOptions> = {}): AuditLog {
  return new AuditLog({ home: freshHome(), settings: { maxBytes: MAX, keep: 3 }, secrets: () => [], now: () => FIXED, ...overrides });
}
type Input = Parameters<AuditLog['append']>[0];
const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
const reasons = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { reason?: string }).reason);
const real = (reasonLength: number): Input => ({ event: 'tool.called', tool: 'list-vms', reason: 'x'.repeat(reasonLength) });
const turn = () => new Promise((r) => setImmediate(r));

/** The bytes (with `\n`) of the line `input` makes: every line's link has the same length, so a probe log tells. */
function bytesOf(input: Input): number {
  const probe = makeLog();
  probe.append(input);
  probe.dispose();
  return size(probe.file);
}
/** A `tool.called` line of exactly `bytes` bytes (ASCII padding; the redactor cuts a text at 512, so keep under that). */
function sized(bytes: number): Input {
  const input = real(bytes - bytesOf(real(0)));
  assert.equal(bytesOf(input), bytes);
  return input;
}
/** The descriptors this process holds on `file` (Linux: /proc/self/fd). */
function descriptorsOn(file: string): number {
  const target = fs.realpathSync(file);
  let count = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === target) count++;
    } catch {
      // the descriptor readdir itself used, closed since
    }
  }
  return count;
}
const newKey = () => checkpointKeyFrom(crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));

describe('AuditLog: what a caller that breaks the contract is told', () => {
  it('names the field and the problem, never the value, and says to fix the caller', () => {
    const log = makeLog();
    const badField = { event: 'unlock.approved', ttlSeconds: 'hunter2-secret' } as unknown as Input;
    assert.throws(() => log.append(badField), (e) => e instanceof BugError && /^invalid audit record: ttlSeconds: .+; fix the caller$/.test(e.message) && !e.message.includes('hunter2'));
    // An unknown key is an issue of the record itself: "(root)", and the key's name (a name is no secret), not its value.
    const unknownKey = { event: 'session.login', password: 'hunter2-secret' } as unknown as Input;
    assert.throws(() => log.append(unknownKey), (e) => e instanceof BugError && /^invalid audit record: \(root\): .*"password".*; fix the caller$/.test(e.message) && !e.message.includes('hunter2'));
    assert.throws(() => log.appendBounded({ event: 'unlock.approved' }), { name: 'BugError', message: 'appendBounded takes coalesced records only (with count); use append' });
    log.dispose();
    assert.equal(fs.existsSync(log.file), false);
  });
});

describe('AuditLog: a checkpoint as the first record a writer writes', () => {
  it('after a restart, signs the head read from the file, and verify checks it with the key', () => {
    const home = freshHome();
    const key = newKey();
    const first = makeLog({ home });
    first.append({ event: 'host.started' });
    first.append({ event: 'unlock.approved', endpoint: 'vc1', ttlSeconds: 60 });
    first.dispose();
    const second = makeLog({ home });
    second.appendCheckpoint(key);
    second.dispose();
    const r = verifyAuditChain(second.file, { checkpointKey: key });
    assert.ok(r.ok && r.records === 3 && r.checkpoints.count === 1 && r.checkpoints.checked, JSON.stringify(r));
  });
});

describe('AuditLog: nothing written, nothing created', () => {
  it('a log that wrote nothing leaves no file, however often it is flushed or disposed', async () => {
    for (const deferWrites of [false, true]) {
      const log = makeLog({ deferWrites });
      log.flush();
      await turn();
      log.dispose();
      log.dispose();
      assert.equal(fs.existsSync(path.dirname(log.file)), false, `deferWrites ${deferWrites}: not even the home`);
    }
  });
});

describe('AuditLog: one descriptor, one write per turn', () => {
  it('keeps one descriptor on the log across appends and closes it on dispose', { skip: !linux && '/proc/self/fd is Linux' }, () => {
    const log = makeLog({ settings: { maxBytes: 1024 * 1024, keep: 1 } });
    for (let i = 1; i <= 50; i++) log.append({ event: 'tool.called', pid: i });
    assert.equal(descriptorsOn(log.file), 1);
    log.dispose();
    assert.equal(descriptorsOn(log.file), 0);
  });

  it('writes the lines of one turn in one write per file, also when they fill the file exactly', async () => {
    const writes = mock.method(fs, 'writeSync');
    const auditWrites = () => writes.mock.calls.filter((c) => typeof c.arguments[1] === 'string' && c.arguments[1].includes('"event":')).length;
    const log = makeLog({ deferWrites: true });
    for (let i = 0; i < 20; i++) log.append(real(10));
    await turn();
    assert.equal(auditWrites(), 1, 'twenty lines, one write');
    // The file now holds S bytes; a turn whose lines take exactly the rest fits in one write, without a rotation.
    const rest = MAX - size(log.file);
    const line = Math.floor(rest / 4);
    for (let i = 0; i < 3; i++) log.append(sized(line));
    log.append(sized(rest - 3 * line));
    writes.mock.resetCalls();
    log.flush();
    assert.equal(auditWrites(), 1, 'the lines that fill the file exactly, one write');
    assert.equal(size(log.file), MAX);
    assert.equal(fs.existsSync(`${log.file}.1`), false);
    // The next turn starts the next file.
    log.append(real(10));
    log.flush();
    assert.equal(size(`${log.file}.1`), MAX);
    log.dispose();
    assert.equal(verifyAuditChain(log.file).ok, true);
  });
});

describe('AuditLog: the once-a-second check that the path still names its file', () => {
  const T0 = Date.parse('2026-12-07T03:00:00.000Z');

  it('notices a replaced log at the first append a full second after the last check, and not at every append before it', () => {
    mock.timers.enable({ apis: ['Date'], now: T0 });
    const log = makeLog({ settings: { maxBytes: MAX, keep: 5 } });
    log.append({ event: 'host.started', reason: 'a' });
    fs.renameSync(log.file, `${log.file}.1`); // logrotate: the old log moved, a new empty one made
    fs.writeFileSync(log.file, '', { mode: 0o600 });
    mock.timers.tick(999);
    log.append({ event: 'lock', reason: 'b' });
    mock.timers.tick(1);
    log.append({ event: 'lock', reason: 'c' });
    log.dispose();
    // No stat per line (the token path): b still went to the file it had open; c, a second on, to the new log.
    assert.deepEqual(reasons(`${log.file}.1`), ['a', 'b']);
    assert.deepEqual(reasons(log.file), ['c']);
    const r = verifyAuditChain(log.file);
    assert.ok(r.ok && r.records === 3, JSON.stringify(r));
  });

  it('counts the second from the last check, and keeps its file open when the check finds it unchanged', () => {
    mock.timers.enable({ apis: ['Date'], now: T0 });
    const opens = mock.method(fs, 'openSync');
    const log = makeLog({ settings: { maxBytes: MAX, keep: 5 } });
    /** Opens of the log for appending (not the test's own writeFileSync, nor a read of the chain head). */
    const logOpens = () => opens.mock.calls.filter((c) => c.arguments[0] === log.file && typeof c.arguments[1] === 'number' && (c.arguments[1] & fs.constants.O_APPEND) !== 0).length;
    log.append({ event: 'host.started', reason: 'a' });
    assert.equal(logOpens(), 1);
    opens.mock.resetCalls();
    mock.timers.tick(1500);
    log.append({ event: 'lock', reason: 'b' }); // checked now (T0 + 1500): the same file
    assert.equal(logOpens(), 0, 'a file that is still ours is not reopened');
    fs.renameSync(log.file, `${log.file}.1`);
    fs.writeFileSync(log.file, '', { mode: 0o600 });
    mock.timers.tick(999);
    log.append({ event: 'lock', reason: 'c' }); // T0 + 2499: 999 ms after the last check
    mock.timers.tick(1);
    log.append({ event: 'lock', reason: 'd' }); // T0 + 2500
    log.dispose();
    assert.deepEqual(reasons(`${log.file}.1`), ['a', 'b', 'c']);
    assert.deepEqual(reasons(log.file), ['d']);
    assert.equal(logOpens(), 1, 'reopened once, for the new log');
  });
});

describe('AuditLog: the home, checked before every open (D174)', { skip: !posix && 'POSIX modes and links' }, () => {
  it('tightens a home that exists with a looser mode before the first line is written', () => {
    const home = freshHome();
    fs.mkdirSync(home, { mode: 0o755 });
    fs.chmodSync(home, 0o755);
    const log = makeLog({ home });
    log.append({ event: 'host.started' });
    assert.equal(fs.statSync(home).mode & 0o777, 0o700);
    log.dispose();
  });

  it('tightens it again when the log is next opened (a rotation), and refuses a home replaced by a link, writing nothing through it', () => {
    const home = freshHome();
    const log = makeLog({ home, settings: { maxBytes: 600, keep: 2 } });
    log.append(real(100));
    fs.chmodSync(home, 0o755);
    while (!fs.existsSync(`${log.file}.1`)) log.append(real(100));
    assert.equal(fs.statSync(home).mode & 0o777, 0o700, 'tightened at the rotation');
    // The home moved away and a link to another folder put in its place: the next open refuses it.
    const elsewhere = path.join(root, `elsewhere-${n++}`);
    fs.mkdirSync(elsewhere, { mode: 0o700 });
    fs.renameSync(home, `${home}.moved`);
    fs.symlinkSync(elsewhere, home);
    log.recheckFile();
    assert.throws(() => log.append({ event: 'lock' }), PrivateDirError);
    assert.deepEqual(fs.readdirSync(elsewhere), []);
    log.dispose();
  });
});

describe('AuditLog: after a torn last line', () => {
  it('ends it with its newline and counts the file from there: a line that fits stays, one byte more rotates', () => {
    /** A home whose log is two lines, the last one torn just before its newline; returns the home and the whole size. */
    const torn = () => {
      const home = freshHome();
      const first = makeLog({ home });
      first.append(real(50));
      first.append(real(60));
      first.dispose();
      const whole = size(first.file);
      fs.truncateSync(first.file, whole - 1); // the crash lost the newline
      return { home, whole };
    };
    const a = torn();
    const settings = { maxBytes: a.whole + 300, keep: 3 };
    const fits = makeLog({ home: a.home, settings });
    fits.append(sized(300));
    fits.dispose();
    assert.equal(size(fits.file), settings.maxBytes, 'ended (one byte back) and filled exactly');
    assert.equal(fs.existsSync(`${fits.file}.1`), false);

    const b = torn();
    const over = makeLog({ home: b.home, settings });
    over.append(sized(301));
    over.dispose();
    assert.equal(size(`${over.file}.1`), b.whole, 'the old file, ended, rotated whole');
    assert.equal(size(over.file), 301);
    assert.equal(verifyAuditChain(over.file).ok, true);
  });
});

describe('AuditLog: a failed open on a full disk', () => {
  const child = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/audit-full-disk.ts');

  it('closes the descriptor it opened, append after append, and writes nothing', { skip: !linux && 'bash, ulimit and /proc/self/fd' }, () => {
    // The torn log ends exactly at the child's file size limit (1 KiB), so the newline that
    // would end it fails with EFBIG (SIGXFSZ ignored), as it would with ENOSPC on a full disk.
    const home = freshHome();
    fs.mkdirSync(home, { mode: 0o700 });
    fs.writeFileSync(path.join(home, 'audit.log'), `${'{"ts":"2026-12-07T03:00:00.000Z","event":"lock","reason":"'.padEnd(1024, 'x')}`, { mode: 0o600 });
    const r = spawnSync('bash', ['-c', 'trap "" XFSZ; ulimit -f 1; exec "$0" "$@"', process.execPath, '--import', 'tsx', child, home], { encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { errors: ['EFBIG', 'EFBIG', 'EFBIG'], descriptors: 0 });
    assert.equal(size(path.join(home, 'audit.log')), 1024);
  });
});
