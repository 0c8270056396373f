// Signed audit checkpoints (issue 14 item 4) with a real AuditLog on real files: every N
// records a checkpoint signs the chain head; verify with the key checks every signature,
// across rotated files, and names the checkpoint where a chain rewritten without the key
// (which the hash chain alone cannot see) or a checkpoint signed by another key stops.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chainedAuditLine, GENESIS, hashAuditLine } from '../../../src/platform/audit/audit-chain.js';
import { AuditCheckpoints } from '../../../src/platform/audit/audit-checkpoints.js';
import { AuditLog } from '../../../src/platform/audit/audit-log.js';
import { checkpointKeyFrom } from '../../../src/platform/audit/checkpoint-key.js';
import { describeAuditVerify, verifyAuditChain } from '../../../src/platform/audit/verify-audit.js';

const homes: string[] = [];
const freshHome = () => {
  const h = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-audit-cp-'));
  homes.push(h);
  return h;
};
const newKey = () => checkpointKeyFrom(crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
/** Wait for the checkpoint scheduled on the next turn of the event loop. */
const turn = () => new Promise((r) => setImmediate(r));

/** Rewrite a chained file from `from` (0-based) on with new prevs, keeping every other byte: what someone without the key can do. */
function rechain(file: string, edit: (line: string, i: number) => string): void {
  const out: string[] = [];
  let prev = GENESIS;
  for (const [i, line] of lines(file).entries()) {
    const record = JSON.parse(edit(line, i)) as Record<string, unknown>;
    delete record['prev'];
    const next = chainedAuditLine(JSON.stringify(record), prev);
    out.push(next);
    prev = hashAuditLine(next);
  }
  fs.writeFileSync(file, `${out.join('\n')}\n`);
}

describe('signed audit checkpoints (issue 14)', () => {
  after(() => {
    for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
  });

  it('writes a checkpoint after every N records (deferred writes too) that verifies with the key', async () => {
    const key = newKey();
    const log = new AuditLog({ home: freshHome(), settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => [], deferWrites: true });
    const cp = new AuditCheckpoints(log, key, { everyRecords: 3, everyMinutes: 60 });
    for (let i = 0; i < 7; i++) {
      log.append({ event: 'tool.called', tool: `t${i}` });
      await turn();
    }
    cp.dispose(); // a clean stop covers the last record too
    log.dispose();
    const events = lines(log.file).map((l) => (JSON.parse(l) as { event: string }).event);
    assert.deepEqual(events, ['tool.called', 'tool.called', 'tool.called', 'audit.checkpoint', 'tool.called', 'tool.called', 'tool.called', 'audit.checkpoint', 'tool.called', 'audit.checkpoint']);
    const ok = verifyAuditChain(log.file, { checkpointKey: key });
    assert.ok(ok.ok && ok.checkpoints.count === 3 && ok.checkpoints.checked, JSON.stringify(ok));
    assert.match(describeAuditVerify(ok), /; 3 signed checkpoint\(s\) verified, the last at /);
    const unchecked = verifyAuditChain(log.file);
    assert.ok(unchecked.ok, 'the chain verifies without the checkpoint key');
    assert.match(describeAuditVerify(unchecked), /3 signed checkpoint\(s\) not checked/);
  });

  it('a chain rewritten without the key passes the hash check but fails at the first checkpoint after the edit (Security)', async () => {
    const key = newKey();
    const log = new AuditLog({ home: freshHome(), settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => [] });
    const cp = new AuditCheckpoints(log, key, { everyRecords: 2, everyMinutes: 60 });
    for (let i = 0; i < 6; i++) {
      log.append({ event: 'tool.called', tool: `t${i}`, outcome: 'ok' });
      await turn();
    }
    cp.dispose();
    log.dispose();
    // Line 4 (a tool call after the first checkpoint, line 3) now says "denied".
    rechain(log.file, (l, i) => (i === 3 ? l.replace('"outcome":"ok"', '"outcome":"denied"') : l));
    assert.equal(verifyAuditChain(log.file).ok, true, 'the hash chain alone cannot see a full rewrite');
    const r = verifyAuditChain(log.file, { checkpointKey: key });
    assert.deepEqual(r.ok ? r : [r.line, r.problem], [6, 'a checkpoint whose signature does not verify: the records before it were rewritten, or the checkpoint was forged']);
  });

  it('a checkpoint signed with another key is named, and checkpoints stay verifiable across rotation', async () => {
    const key = newKey();
    const home = freshHome();
    const log = new AuditLog({ home, settings: { maxBytes: 64 * 1024, keep: 5 }, secrets: () => [] });
    const cp = new AuditCheckpoints(log, key, { everyRecords: 50, everyMinutes: 60 });
    for (let i = 0; i < 400; i++) {
      log.append({ event: 'tool.called', tool: `tool-${i}`, reason: 'x'.repeat(300) });
      if (i % 50 === 49) await turn();
    }
    cp.dispose();
    log.dispose();
    assert.ok(fs.existsSync(`${log.file}.1`), 'the log rotated');
    const ok = verifyAuditChain(log.file, { checkpointKey: key });
    assert.ok(ok.ok && ok.files > 1 && ok.checkpoints.count === 8, JSON.stringify(ok));
    const other = newKey();
    const r = verifyAuditChain(log.file, { checkpointKey: other });
    assert.ok(!r.ok && r.problem.startsWith(`a checkpoint signed with key ${key.keyId}, not the keychain's audit key ${other.keyId}`), JSON.stringify(r));
  });
});
