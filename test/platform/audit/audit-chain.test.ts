import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { GENESIS, auditChainHead, chainedAuditLine } from '../../../src/platform/audit/audit-chain.js';
import { AuditLog, type AuditLogOptions } from '../../../src/platform/audit/audit-log.js';
import { readAudit } from '../../../src/platform/audit/read-audit.js';
import { describeAuditVerify, verifyAuditChain } from '../../../src/platform/audit/verify-audit.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-audit-chain-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshHome = () => path.join(root, `home-${n++}`);

function makeLog(overrides: Partial<AuditLogOptions> = {}): AuditLog {
  return new AuditLog({ home: freshHome(), settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => [], ...overrides });
}

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const rawLines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
const prevOf = (line: string) => (JSON.parse(line) as { prev: string }).prev;

/** Every retained line in write order: audit.log.N … audit.log.1, audit.log. */
function history(file: string): string[] {
  const rotated = fs.readdirSync(path.dirname(file)).filter((f) => /^audit\.log\.\d+$/.test(f)).map((f) => Number(f.split('.').pop())).sort((a, b) => b - a);
  return [...rotated.map((g) => `${file}.${g}`), file].flatMap(rawLines);
}

/**
 * Change one byte of line `lineNo` (1-based) of `file` so that it stays a valid record: the
 * last digit of its `ts` milliseconds. (An edit that breaks the record is named as such.)
 */
function editOneByte(file: string, lineNo: number): void {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines[lineNo - 1]!;
  const at = line.indexOf('Z"') - 1;
  lines[lineNo - 1] = `${line.slice(0, at)}${(Number(line[at]) + 1) % 10}${line.slice(at + 1)}`;
  fs.writeFileSync(file, lines.join('\n'));
}

describe('the audit hash chain (issue 14 item 4)', () => {
  it('chains each line to the SHA-256 of the exact bytes of the line before, from GENESIS', () => {
    const log = makeLog();
    log.append({ event: 'host.started', pid: 1 });
    log.append({ event: 'unlock.approved', endpoint: 'vc1' });
    log.append({ event: 'lock' });
    log.dispose();
    const lines = rawLines(log.file);
    assert.equal(prevOf(lines[0]!), GENESIS);
    assert.equal(prevOf(lines[1]!), sha(lines[0]!));
    assert.equal(prevOf(lines[2]!), sha(lines[1]!));
    // Readers never show the link.
    assert.deepEqual(readAudit(path.dirname(log.file)).records.map((r) => Object.keys(r).includes('prev')), [false, false, false]);
  });

  it('chains in write order with deferred writes and coalesced records interleaved, and a refused coalesced record does not move the chain', async () => {
    const log = makeLog({ deferWrites: true, settings: { maxBytes: 4096, keep: 3 } });
    log.append({ event: 'host.started' });
    log.append({ event: 'token.granted', endpoint: 'vc1' });
    // appendBounded writes the deferred lines first, then itself.
    assert.ok(log.appendBounded({ event: 'gateway.rejected', code: 'no_key', count: 3 }), 'the bounded record is written');
    log.append({ event: 'tool.called', tool: 't' });
    // Over the coalesced budget (a tenth of 4096): refused, nothing written, chain unchanged.
    assert.equal(log.appendBounded({ event: 'gateway.rejected', code: 'no_key', count: 4, reason: 'r'.repeat(500) }), undefined);
    log.append({ event: 'lock' });
    await new Promise((r) => setImmediate(r));
    log.dispose();
    const lines = rawLines(log.file);
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { event: string }).event), ['host.started', 'token.granted', 'gateway.rejected', 'tool.called', 'lock']);
    for (let i = 1; i < lines.length; i++) assert.equal(prevOf(lines[i]!), sha(lines[i - 1]!), `line ${i + 1}`);
    assert.equal(verifyAuditChain(log.file).ok, true);
  });

  it('carries the chain across rotation through the real writer, and verify walks every retained file', () => {
    const home = freshHome();
    const log = makeLog({ home, settings: { maxBytes: 400, keep: 100 } });
    for (let i = 1; i <= 30; i++) log.append({ event: 'tool.called', pid: i, tool: 'list-vms' });
    log.dispose();
    assert.ok(fs.existsSync(`${log.file}.3`), 'the log rotated several times');
    const all = history(log.file);
    assert.equal(all.length, 30);
    assert.equal(prevOf(all[0]!), GENESIS);
    for (let i = 1; i < all.length; i++) assert.equal(prevOf(all[i]!), sha(all[i - 1]!), `record ${i + 1}`);
    const result = verifyAuditChain(log.file);
    assert.ok(result.ok, 'the chain verifies');
    assert.equal(result.records, 30);
    assert.deepEqual(result.start, { kind: 'genesis' });
    assert.match(describeAuditVerify(result), /^audit chain ok: 30 record\(s\) in \d+ file\(s\), .* to .*; chain starts at genesis/);
  });

  it('says where the chain starts when rotation dropped the oldest records', () => {
    const log = makeLog({ settings: { maxBytes: 400, keep: 2 } });
    for (let i = 1; i <= 30; i++) log.append({ event: 'tool.called', pid: i, tool: 'list-vms' });
    log.dispose();
    const result = verifyAuditChain(log.file);
    assert.ok(result.ok, 'the rotated chain verifies');
    assert.ok(result.records < 30, 'rotation dropped the oldest records: fewer than the 30 remain');
    assert.equal(result.files, 3);
    assert.equal(result.start.kind, 'retained');
    assert.match(describeAuditVerify(result), /chain starts at \S+ \(audit\.log\.2 line 1; older records were rotated out, so its prev cannot be checked\)/);
  });

  it('names the line when one byte of a retained line is edited: inside a file, and at the end of a rotated file', () => {
    for (const target of ['audit.log.2', 'audit.log.1 last', 'audit.log']) {
      const log = makeLog({ settings: { maxBytes: 400, keep: 5 } });
      for (let i = 1; i <= 20; i++) log.append({ event: 'tool.called', pid: i, tool: 'list-vms' });
      log.dispose();
      assert.equal(verifyAuditChain(log.file).ok, true, 'intact before the edit');
      const [name, where] = target.split(' ');
      const file = path.join(path.dirname(log.file), name!);
      const count = rawLines(file).length;
      const lineNo = where === 'last' ? count : 1;
      assert.ok(where === 'last' || name !== 'audit.log' || count >= 2, 'an edited line in audit.log needs a line after it');
      editOneByte(file, lineNo);
      const result = verifyAuditChain(log.file);
      assert.equal(result.ok, false, target);
      const message = describeAuditVerify(result);
      if (where === 'last') {
        // The next link is the first line of the newer file, which names this one.
        assert.equal(result.file, log.file);
        assert.equal(result.line, 1);
        assert.ok(message.includes(`the last line of ${file} (line ${lineNo})`), message);
      } else {
        assert.equal(result.file, file);
        assert.equal(result.line, lineNo + 1);
        assert.ok(message.includes(`${file} line ${lineNo + 1}: its prev does not match the hash of line ${lineNo}`), message);
      }
    }
  });

  it('names a line that was removed, inserted, or that is not a record', () => {
    const make = () => {
      const log = makeLog();
      for (let i = 1; i <= 5; i++) log.append({ event: 'tool.called', pid: i });
      log.dispose();
      return log.file;
    };
    const removed = make();
    const lines = rawLines(removed);
    fs.writeFileSync(removed, [lines[0], lines[1], lines[3], lines[4], ''].join('\n'));
    assert.deepEqual(pick(verifyAuditChain(removed)), { file: removed, line: 3 });

    const inserted = make();
    const l2 = rawLines(inserted);
    const forged = JSON.stringify({ ts: new Date().toISOString(), event: 'lock', prev: sha(l2[1]!) });
    fs.writeFileSync(inserted, [l2[0], l2[1], forged, l2[2], l2[3], l2[4], ''].join('\n'));
    assert.deepEqual(pick(verifyAuditChain(inserted)), { file: inserted, line: 4 });

    const garbage = make();
    const l3 = rawLines(garbage);
    fs.writeFileSync(garbage, [l3[0], l3[1], '{"ts": torn', l3[2], ''].join('\n'));
    const r = verifyAuditChain(garbage);
    assert.deepEqual(pick(r), { file: garbage, line: 3 });
    assert.match(describeAuditVerify(r), /line 3: not a valid audit record/);

    const unlinked = make();
    const l4 = rawLines(unlinked);
    const { prev: _drop, ...bare } = JSON.parse(l4[2]!) as Record<string, unknown>;
    fs.writeFileSync(unlinked, [l4[0], l4[1], JSON.stringify(bare), l4[3], ''].join('\n'));
    assert.match(describeAuditVerify(verifyAuditChain(unlinked)), /line 3: has no prev link/);
  });

  it('continues the chain after a restart, from the live file or, when it is empty, from the newest rotated file', () => {
    const home = freshHome();
    const settings = { maxBytes: 400, keep: 5 };
    const first = makeLog({ home, settings });
    for (let i = 1; i <= 8; i++) first.append({ event: 'tool.called', pid: i });
    first.dispose();
    const second = makeLog({ home, settings });
    second.append({ event: 'host.started' });
    second.dispose();
    assert.equal(verifyAuditChain(second.file).ok, true);
    // The live file rotated away by hand: the next writer chains to audit.log.1's last line.
    for (let g = 5; g >= 1; g--) if (fs.existsSync(`${second.file}.${g}`)) fs.renameSync(`${second.file}.${g}`, `${second.file}.${g + 1}`);
    fs.renameSync(second.file, `${second.file}.1`);
    assert.equal(auditChainHead(second.file), sha(rawLines(`${second.file}.1`).at(-1)!));
    const third = makeLog({ home, settings });
    third.append({ event: 'host.started' });
    third.dispose();
    const result = verifyAuditChain(third.file);
    assert.ok(result.ok, 'the chain verifies across the three logs');
    assert.equal(result.records, 10);
  });

  it('ends a torn last line before appending, and chains over it; verify reports the torn line', () => {
    const home = freshHome();
    const first = makeLog({ home });
    first.append({ event: 'host.started' });
    first.dispose();
    fs.appendFileSync(first.file, '{"ts":"2026-'); // A crash mid-write.
    const second = makeLog({ home });
    second.append({ event: 'host.started' });
    second.dispose();
    const lines = fs.readFileSync(second.file, 'utf8').split('\n');
    assert.equal(lines[1], '{"ts":"2026-');
    assert.equal(prevOf(lines[2]!), sha('{"ts":"2026-'));
    assert.deepEqual(readAudit(home).records.map((r) => r.event), ['host.started', 'host.started']);
    assert.deepEqual(pick(verifyAuditChain(second.file)), { file: second.file, line: 2 });
  });

  it('accepts the unchained records of an install from before chaining, then checks from the first chained one', () => {
    const home = freshHome();
    fs.mkdirSync(home, { mode: 0o700 });
    const file = path.join(home, 'audit.log');
    const legacy = [JSON.stringify({ ts: '2026-01-01T00:00:00.000Z', event: 'host.started' }), JSON.stringify({ ts: '2026-01-01T00:00:01.000Z', event: 'lock' })];
    fs.writeFileSync(file, `${legacy.join('\n')}\n`, { mode: 0o600 });
    const log = makeLog({ home });
    log.append({ event: 'host.started' });
    log.append({ event: 'lock' });
    log.dispose();
    assert.equal(prevOf(rawLines(file)[2]!), sha(legacy[1]!));
    const result = verifyAuditChain(file);
    assert.ok(result.ok, 'a chain that starts after legacy lines verifies');
    assert.equal(result.unchained, 2);
    assert.match(describeAuditVerify(result), /2 record\(s\) from before chaining are not covered/);
  });

  it('reports an empty or missing log as ok with no records', () => {
    const home = freshHome();
    const result = verifyAuditChain(path.join(home, 'audit.log'));
    assert.ok(result.ok, 'a missing log verifies as ok');
    assert.equal(describeAuditVerify(result), 'audit chain ok: no records yet (0 file(s))');
  });
});

function pick(r: ReturnType<typeof verifyAuditChain>): { file: string; line: number } | 'ok' {
  return r.ok ? 'ok' : { file: r.file, line: r.line };
}

// E1-gwspeed: a chain hash is written without JSON.stringify; the line is still exactly
// JSON.stringify({...record, prev}) for every prev, hash-shaped or not.
describe('chainedAuditLine, the bytes of the line', () => {
  it('is JSON.stringify of the record with prev last, for hashes and for any other prev', () => {
    const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
    const nearHex = fc.oneof(fc.stringMatching(/^[0-9a-fA-F]{63,65}$/), hex.map((h) => `${h.slice(0, 63)}"`), hex.map((h) => `${h}\n`), hex.map((h) => `\\${h.slice(1)}`));
    const prev = fc.oneof(hex, nearHex, fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom(GENESIS, '', '"', '\\', '\u2028', '\ud800'));
    const record = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== 'prev'), fc.oneof(fc.string(), fc.integer()), { minKeys: 1, maxKeys: 4 });
    fc.assert(fc.property(record, prev, (r, p) => {
      assert.equal(chainedAuditLine(JSON.stringify(r), p), JSON.stringify({ ...r, prev: p }), `prev ${JSON.stringify(p)}: the line is the record's JSON with prev added last, encoded as JSON.stringify encodes it`);
    }), { numRuns: 500 });
  });
});
