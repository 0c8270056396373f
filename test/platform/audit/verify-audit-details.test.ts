// `keybroker audit verify` and the chain's reading side, the edges (issue 14 item 4; the
// `audit` mutation area): a line whose link is not a SHA-256 hex is no record at all, a
// checkpoint without its signature is named even without a key, an upgrade's first link is
// checked, verify never says "ok" about a file it could not read, and each summary.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auditChainHead, chainedAuditLine, GENESIS, hashAuditLine, lastAuditLine } from '../../../src/platform/audit/audit-chain.js';
import { AuditLog } from '../../../src/platform/audit/audit-log.js';
import { parseAuditLine, parseChainedAuditLine } from '../../../src/platform/audit/parse-audit-line.js';
import { readRetainedAuditLines } from '../../../src/platform/audit/read-audit.js';
import { describeAuditVerify, verifyAuditChain, type AuditVerifyResult } from '../../../src/platform/audit/verify-audit.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-verify-details-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const TS = (s: number) => `2026-12-07T00:00:${String(s).padStart(2, '0')}.000Z`;
const rec = (s: number, extra: Record<string, unknown> = {}) => JSON.stringify({ ts: TS(s), event: 'tool.called', ...extra });

/** A folder holding `audit.log` (and `audit.log.N`) with these lines, each ended by `\n`. */
function trail(files: Record<string, string[]>): string {
  const dir = path.join(root, `t${n++}`);
  fs.mkdirSync(dir);
  for (const [name, lines] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), lines.map((l) => `${l}\n`).join(''));
  return path.join(dir, 'audit.log');
}

/** `count` records chained from `prev`, as the writer writes them. */
function chain(count: number, prev = GENESIS, from = 0, extra: Record<string, unknown> = {}): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const line = chainedAuditLine(rec(from + i, extra), prev);
    out.push(line);
    prev = hashAuditLine(line);
  }
  return out;
}

const failure = (r: AuditVerifyResult) => (r.ok ? 'ok' : { line: r.line, problem: r.problem });

describe('parseChainedAuditLine(): the link must be a SHA-256 hex (a forged line is no record)', () => {
  it('keeps a valid link apart from the record, and a line without one as a record without a link', () => {
    const line = chainedAuditLine(rec(1), GENESIS);
    assert.deepEqual(parseChainedAuditLine(line), { record: { ts: TS(1), event: 'tool.called' }, prev: GENESIS });
    const bare = parseChainedAuditLine(rec(1));
    assert.deepEqual(bare, { record: { ts: TS(1), event: 'tool.called' } });
    assert.equal(Object.hasOwn(bare!, 'prev'), false);
    assert.deepEqual(parseAuditLine(line), { ts: TS(1), event: 'tool.called' });
  });

  it('refuses a line the schema refuses, even with a valid link: verify names it, export leaves it out', () => {
    for (const extra of [{ password: 'hunter2' }, { event: 'no.such.event' }, { ts: 'yesterday' }]) {
      const line = chainedAuditLine(rec(1, extra), GENESIS);
      assert.equal(parseChainedAuditLine(line), undefined, line);
      assert.equal(parseAuditLine(line), undefined, line);
      const file = trail({ 'audit.log': [line] });
      assert.deepEqual(failure(verifyAuditChain(file)), { line: 1, problem: 'not a valid audit record (an edit, or a write torn by a crash)' });
      assert.deepEqual(readRetainedAuditLines(file), { lines: [], malformed: 1 });
    }
  });

  it('refuses a link that is not exactly 64 lowercase hex, and JSON that is not an object', () => {
    const hex = 'a'.repeat(64);
    for (const prev of [hex.toUpperCase(), hex.slice(1), `${hex}0`, `x${hex}`, `${hex}\n`, ` ${hex}`, 'g'.repeat(64), 64, null, [hex], { hex }, '']) {
      assert.equal(parseChainedAuditLine(JSON.stringify({ ts: TS(1), event: 'lock', prev })), undefined, JSON.stringify(prev));
    }
    for (const text of ['5', '"x"', 'true', 'null', '[]', '[{"ts":"2026-12-07T00:00:01.000Z","event":"lock"}]', '']) assert.equal(parseChainedAuditLine(text), undefined, text);
  });
});

/** A signature of the schema's form (88 base64 characters) that no key made. */
const SIG = `${'c2ln'.repeat(21)}cw==`;

describe('verifyAuditChain(): what it names', () => {
  it('names a signed checkpoint without its signature or key id, even without a key, and skips the note that checkpoints are off', () => {
    const off = chain(1, GENESIS, 0, {});
    const note = chainedAuditLine(JSON.stringify({ ts: TS(2), event: 'audit.checkpoint', outcome: 'failed', reason: 'checkpoints off' }), hashAuditLine(off[0]!));
    const okFile = trail({ 'audit.log': [...off, note, ...chain(1, hashAuditLine(note), 3)] });
    const ok = verifyAuditChain(okFile);
    assert.ok(ok.ok && ok.records === 3 && ok.checkpoints.count === 0 && !ok.checkpoints.checked, JSON.stringify(ok));
    assert.equal(describeAuditVerify(ok), `audit chain ok: 3 record(s) in 1 file(s), ${TS(0)} to ${TS(3)}; chain starts at genesis (the full history since chaining began)`);

    for (const fields of [{ keyId: 'ab'.repeat(8) }, { sig: SIG }, { keyId: 'ab'.repeat(8), sig: SIG }]) {
      const head = chain(2);
      const cp = chainedAuditLine(JSON.stringify({ ts: TS(5), event: 'audit.checkpoint', ...fields }), hashAuditLine(head[1]!));
      const r = verifyAuditChain(trail({ 'audit.log': [...head, cp] }));
      if ('sig' in fields && 'keyId' in fields) {
        assert.ok(r.ok && r.checkpoints.count === 1 && r.checkpoints.lastTs === TS(5), JSON.stringify(r));
        assert.match(describeAuditVerify(r), /; 1 signed checkpoint\(s\) not checked \(no audit key in the keychain\)$/);
      } else assert.deepEqual(failure(r), { line: 3, problem: 'a checkpoint without its chain link, key id or signature (an edit)' }, JSON.stringify(fields));
    }
    // An unchained checkpoint in a legacy head is no checkpoint either.
    const legacy = JSON.stringify({ ts: TS(1), event: 'audit.checkpoint', keyId: 'ab'.repeat(8), sig: SIG });
    assert.deepEqual(failure(verifyAuditChain(trail({ 'audit.log': [legacy] }))), { line: 1, problem: 'a checkpoint without its chain link, key id or signature (an edit)' });
  });

  it('names an empty line (the writer never writes one) apart from a line that is no record', () => {
    const lines = chain(3);
    const r = verifyAuditChain(trail({ 'audit.log': [lines[0]!, '', lines[1]!, lines[2]!] }));
    assert.deepEqual(failure(r), { line: 2, problem: 'an empty line, which the writer never writes (an edit)' });
    const first = verifyAuditChain(trail({ 'audit.log': ['', ...lines] }));
    assert.deepEqual(failure(first), { line: 1, problem: 'an empty line, which the writer never writes (an edit)' });
    const junk = verifyAuditChain(trail({ 'audit.log': [lines[0]!, ' ', lines[1]!] }));
    assert.deepEqual(failure(junk), { line: 2, problem: 'not a valid audit record (an edit, or a write torn by a crash)' });
  });

  it('checks the first link after an upgrade: it must chain to the last unchained record', () => {
    const legacy = [rec(1), rec(2)];
    const good = chain(2, sha(legacy[1]!), 3);
    const r = verifyAuditChain(trail({ 'audit.log': [...legacy, ...good] }));
    assert.ok(r.ok, 'a chain that starts after legacy lines verifies');
    assert.deepEqual(r.start, { kind: 'upgrade', ts: TS(3) });
    assert.equal(r.unchained, 2);
    assert.equal(describeAuditVerify(r), `audit chain ok: 4 record(s) in 1 file(s), ${TS(1)} to ${TS(4)}; chain starts at ${TS(3)}, where chaining began; 2 record(s) from before chaining are not covered`);
    // Legacy records followed by a chain that links to something else: a record removed, or a chain spliced in.
    const spliced = verifyAuditChain(trail({ 'audit.log': [...legacy, ...chain(2, sha(legacy[0]!), 3)] }));
    assert.deepEqual(failure(spliced), { line: 3, problem: 'its prev does not match the hash of line 2: that line or this one was edited, or lines between them were removed or inserted' });
    const forged = verifyAuditChain(trail({ 'audit.log': [...legacy, ...chain(2, GENESIS, 3)] }));
    assert.equal(forged.ok, false, 'a chain from GENESIS after records is not a chain start');
  });

  it('reports a retained start with its file, line and ts, and a trail of only legacy records as covering nothing', () => {
    const rotatedOut = chain(4);
    const file = trail({ 'audit.log.1': rotatedOut.slice(2), 'audit.log': chain(1, hashAuditLine(rotatedOut[3]!), 9) });
    const r = verifyAuditChain(file);
    assert.ok(r.ok, 'a chain whose first file was rotated out verifies');
    assert.deepEqual(r.start, { kind: 'retained', file: `${file}.1`, line: 1, ts: TS(2) });
    assert.deepEqual([r.records, r.files, r.firstTs, r.lastTs], [3, 2, TS(2), TS(9)]);

    const legacy = verifyAuditChain(trail({ 'audit.log': [rec(1), rec(2)] }));
    assert.ok(legacy.ok, 'a log of legacy lines only verifies');
    assert.deepEqual(legacy.start, { kind: 'none' });
    assert.equal(describeAuditVerify(legacy), `audit chain ok: 2 record(s) in 1 file(s), ${TS(1)} to ${TS(2)}; no chained record; 2 record(s) from before chaining are not covered`);
  });

  it('never says ok about a log it could not read', () => {
    const file = trail({});
    fs.mkdirSync(file); // audit.log is a folder: EISDIR, not "no records".
    assert.throws(() => verifyAuditChain(file), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
    const notADir = trail({ 'audit.log': chain(1) });
    assert.throws(() => verifyAuditChain(path.join(notADir, 'audit.log')), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
  });

  it('checks a last line without its newline too (a torn write, or a line appended by hand)', () => {
    const lines = chain(3);
    const file = trail({});
    fs.writeFileSync(file, `${lines[0]}\n${lines[1]}\n${lines[2]}`);
    const r = verifyAuditChain(file);
    assert.ok(r.ok && r.records === 3 && r.lastTs === TS(2), JSON.stringify(r));
    const forged = chainedAuditLine(rec(3, { outcome: 'ok' }), GENESIS);
    fs.writeFileSync(file, `${lines[0]}\n${lines[1]}\n${forged}`);
    assert.deepEqual(failure(verifyAuditChain(file)), { line: 3, problem: 'its prev does not match the hash of line 2: that line or this one was edited, or lines between them were removed or inserted' });
    fs.writeFileSync(file, `${lines[0]}\n${lines[1]}\n{"ts":"2026-`);
    assert.deepEqual(failure(verifyAuditChain(file)), { line: 3, problem: 'not a valid audit record (an edit, or a write torn by a crash)' });
  });

  it('counts the files it read: rotated generations present and the live log, a missing live log not', () => {
    const lines = chain(3);
    const file = trail({ 'audit.log.2': [lines[0]!], 'audit.log.1': [lines[1]!, lines[2]!] });
    const r = verifyAuditChain(file);
    assert.ok(r.ok && r.files === 2 && r.records === 3 && r.start.kind === 'genesis', JSON.stringify(r));
  });
});

describe('the chain head a writer continues from', () => {
  it('chainedAuditLine refuses what is not a non-empty record object (a caller bug)', () => {
    for (const json of ['{}', '[1]', '"x"', '{"a":1', '"a":1}', '']) assert.throws(() => chainedAuditLine(json, GENESIS), /non-empty record object/, json);
    assert.equal(chainedAuditLine('{"a":1}', GENESIS), `{"a":1,"prev":"${GENESIS}"}`);
  });

  it('reads the last line whole, however long, past any final newlines; an empty or missing file has none', () => {
    const dir = path.join(root, `h${n++}`);
    fs.mkdirSync(dir);
    const file = path.join(dir, 'audit.log');
    assert.equal(lastAuditLine(file), null);
    fs.writeFileSync(file, '');
    assert.equal(lastAuditLine(file), null);
    fs.writeFileSync(file, '\n\n\n');
    assert.equal(lastAuditLine(file), null);
    // Longer than two of the 64 KiB steps it reads back from the end.
    const long = `{"x":"${'y'.repeat(150 * 1024)}"}`;
    fs.writeFileSync(file, `first\n${long}\n\n`);
    assert.equal(lastAuditLine(file)?.toString(), long);
    fs.writeFileSync(file, long);
    assert.equal(lastAuditLine(file)?.toString(), long, 'a file of one line without a newline');
    fs.writeFileSync(file, `a\n${'b'.repeat(64 * 1024)}\n`);
    assert.equal(lastAuditLine(file)?.toString(), 'b'.repeat(64 * 1024), 'a line of exactly one step');
    fs.writeFileSync(file, `a\n${'b'.repeat(64 * 1024 - 1)}\n`);
    assert.equal(lastAuditLine(file)?.toString(), 'b'.repeat(64 * 1024 - 1), 'a step that ends on the newline before it');
    assert.equal(auditChainHead(file), sha('b'.repeat(64 * 1024 - 1)));
  });

  it('closes the file it read, each time (a writer reads the head after every failed write)', { skip: !fs.existsSync('/proc/self/fd') && 'needs /proc/self/fd' }, () => {
    const file = trail({ 'audit.log': chain(2) });
    const open = () => fs.readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 50; i++) {
      lastAuditLine(file);
      lastAuditLine(`${file}.9`);
    }
    assert.equal(open(), before);
  });

  it('refuses a symlink planted at the log, and throws what is not a missing file', { skip: process.platform === 'win32' && 'O_NOFOLLOW is POSIX' }, () => {
    const dir = path.join(root, `h${n++}`);
    fs.mkdirSync(dir);
    const target = path.join(dir, 'elsewhere');
    fs.writeFileSync(target, `${rec(1)}\n`);
    fs.symlinkSync(target, path.join(dir, 'audit.log'));
    assert.throws(() => lastAuditLine(path.join(dir, 'audit.log')), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
    assert.throws(() => auditChainHead(path.join(dir, 'audit.log')), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
  });

  it('continues from the newest generation that has a line, past an empty live log and empty newer generations', () => {
    const lines = chain(3);
    const file = trail({ 'audit.log.3': [lines[0]!], 'audit.log.2': [lines[1]!], 'audit.log.1': [], 'audit.log': [] });
    assert.equal(auditChainHead(file), hashAuditLine(lines[1]!));
    const none = trail({ 'audit.log.1': [], 'audit.log': [] });
    assert.equal(auditChainHead(none), GENESIS);
    // The writer continues there, and verify sees one chain.
    const log = new AuditLog({ home: path.dirname(file), settings: { maxBytes: 1024 * 1024, keep: 5 }, secrets: () => [] });
    log.append({ event: 'lock' });
    log.dispose();
    const r = verifyAuditChain(file);
    assert.ok(r.ok && r.records === 3 && r.start.kind === 'genesis', JSON.stringify(r));
  });
});
