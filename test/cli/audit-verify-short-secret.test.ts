// A live secret of 4-5 characters that happens to be part of a field whose values the schema
// pins down (`decision`'s allow/ask/deny, a coalesced record's `since`/`last`, a checkpoint's
// `keyId`) was redacted there like free text: the line then held `"decision":"[redacted]"`, no
// valid record, and `keybroker audit verify` refused the trail (D4-tidy, from D247). Such a field
// is checked against its values, never redacted; every free-text field still is. Real parts: the
// real AuditLog in a temp home, a checkpoint key in a real Secret Service, the real CLI's verify.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AuditLog } from '../../src/platform/audit/audit-log.js';
import { loadOrCreateCheckpointKey } from '../../src/platform/audit/checkpoint-key.js';
import { REDACTED } from '../../src/platform/audit/redact-record.js';
import { useHomeKeychain } from '../support/home-keychain.js';
import { runIn } from './harness.js';

const NOW = new Date('2026-12-07T19:43:29.123Z');

describe('keybroker audit verify with a short live secret inside an enum or a date', () => {
  const world = useHomeKeychain('kb-audit-short-secret-');

  it('keeps decision, since, last and keyId as they are, redacts free text, and the trail verifies', async () => {
    const { home, keychain } = world;
    const key = await loadOrCreateCheckpointKey(keychain);
    // Each a live secret as short as the redaction searches for (MIN_SECRET_LENGTH), each inside a pinned value.
    const secrets = ['allo', 'deny', '12-07', key.keyId.slice(3, 8)];
    const log = new AuditLog({ home, settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => secrets, now: () => NOW });
    try {
      log.appendCall({ endpoint: 'vc1', client: 'claude', server: 'vsphere', tool: 'power_off_vm', outcome: 'ok', durationMs: 3, reason: undefined, argNames: ['vm'], objects: undefined, planSummary: 'power off web-01', planHash: undefined, decision: 'allow', rule: 0, ruleReason: 'writes ask', limits: undefined });
      log.append({ event: 'tool.called', server: 'vsphere', tool: 'destroy_vm', outcome: 'denied', decision: 'deny', reason: 'the rule said deny for allo' });
      log.append({ event: 'gateway.rejected', count: 2, since: NOW.toISOString(), last: NOW.toISOString(), reason: 'bad key' });
      log.appendCheckpoint(key);
    } finally {
      log.dispose();
    }
    const records = fs.readFileSync(path.join(home, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(records.map((r) => r['decision']), ['allow', 'deny', undefined, undefined], 'decision is checked against its values, not redacted');
    assert.equal(records[1]!['reason'], REDACTED, 'a free-text field with the secret is still redacted');
    assert.deepEqual([records[2]!['since'], records[2]!['last']], [NOW.toISOString(), NOW.toISOString()], 'since and last kept');
    assert.equal(records[3]!['keyId'], key.keyId, 'keyId kept');
    const run = await runIn(home, ['audit', 'verify'], { keychain });
    assert.equal(run.code, 0, `the trail verifies: ${run.stderr}`);
    assert.match(run.stdout, /^audit chain ok: 4 record\(s\).*1 signed checkpoint\(s\) verified/, 'the whole chain, its checkpoint checked');
  });

  it('keeps a checkpoint\'s sig as it is when a live secret occurs inside its base64, and the checkpoint verifies (E3-tidy)', async () => {
    const { home, keychain } = world;
    const key = await loadOrCreateCheckpointKey(keychain);
    const secrets: string[] = [];
    const log = new AuditLog({ home, settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => secrets, now: () => NOW });
    let sig = '';
    try {
      log.append({ event: 'lock', endpoint: 'vc1', outcome: 'ok' });
      // The secret is picked from the very signature the checkpoint carries: signed, then the record redacted.
      log.appendCheckpoint({ keyId: key.keyId, sign: (prev, ts) => {
        sig = key.sign(prev, ts);
        secrets.push(sig.slice(40, 44));
        return sig;
      } });
    } finally {
      log.dispose();
    }
    assert.equal(secrets[0]?.length, 4, 'a 4-character live secret taken from inside the signature');
    const records = fs.readFileSync(path.join(home, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(records.at(-1)!['sig'], sig, `sig kept as it is, not redacted: ${JSON.stringify(records)}`);
    const run = await runIn(home, ['audit', 'verify'], { keychain });
    assert.equal(run.code, 0, `the trail verifies: ${run.stderr}`);
    // The home is the describe's: the first case's records come first. Every checkpoint verified, this one the last.
    assert.match(run.stdout, /^audit chain ok: \d+ record\(s\) .*; \d+ signed checkpoint\(s\) verified, the last at 2026-12-07T19:43:29\.123Z$/m, `its checkpoint checked with the key: ${run.stdout}`);
  });
});
