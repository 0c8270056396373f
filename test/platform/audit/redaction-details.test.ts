// Audit redaction details that mutation testing showed unguarded (docs/TESTING.md): which
// fields are never touched, the minimum secret length, undefined fields, the exact
// truncation points around surrogate pairs, and the argument-name cap.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import { AUDIT_MAX_ARG_NAMES, AUDIT_MAX_STRING, MIN_SECRET_LENGTH, REDACTED, redactRecord, truncateAuditString } from '../../../src/platform/audit/redact-record.js';

const TS = '2026-11-24T10:00:00.000Z';

describe('redactRecord() details', () => {
  it('replaces a field holding a secret with exactly [redacted]', () => {
    assert.equal(REDACTED, '[redacted]');
    assert.deepEqual(redactRecord({ ts: TS, event: 'tool.failed', reason: 'x tok-secret-1 y' } as AuditRecord, ['tok-secret-1']), { ts: TS, event: 'tool.failed', reason: '[redacted]' });
  });

  it('never touches the structured fields (ts, event, outcome, expiresAt), even when a "secret" matches them', () => {
    const record = { ts: TS, event: 'token.granted', outcome: 'ok', expiresAt: TS, endpoint: 'vc1-2026' } as AuditRecord;
    const out = redactRecord(record, ['2026', 'token.granted']);
    assert.deepEqual(out, { ts: TS, event: 'token.granted', outcome: 'ok', expiresAt: TS, endpoint: REDACTED });
    assert.deepEqual(redactRecord({ ts: TS, event: 'lock', outcome: 'denied' } as AuditRecord, ['denied']), { ts: TS, event: 'lock', outcome: 'denied' });
  });

  it(`searches secrets of ${MIN_SECRET_LENGTH} characters or more, skipping shorter ones and non-strings`, () => {
    assert.equal(MIN_SECRET_LENGTH, 4);
    const rec = { ts: TS, event: 'tool.failed', reason: 'abcd', client: 'abc' } as AuditRecord;
    const out = redactRecord(rec, ['abc', 'abcd', undefined as unknown as string, 42 as unknown as string]);
    assert.deepEqual(out, { ts: TS, event: 'tool.failed', reason: REDACTED, client: 'abc' });
  });

  it('finds a secret also URL-encoded, and as is', () => {
    const secret = 'a b/c+d=';
    const out = redactRecord({ ts: TS, event: 'tool.failed', reason: `q=${encodeURIComponent(secret)}`, client: `raw ${secret}` } as AuditRecord, [secret]);
    assert.deepEqual(out, { ts: TS, event: 'tool.failed', reason: REDACTED, client: REDACTED });
  });

  it('drops undefined fields and keeps numbers and booleans as they are', () => {
    const out = redactRecord({ ts: TS, event: 'tool.called', reason: undefined, durationMs: 5, pid: 4242 } as AuditRecord, ['4242']);
    assert.deepEqual(out, { ts: TS, event: 'tool.called', durationMs: 5, pid: 4242 });
    assert.equal(Object.hasOwn(out, 'reason'), false);
  });

  it(`keeps ${AUDIT_MAX_ARG_NAMES} argument names as they are, and cuts a longer list with …`, () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);
    assert.deepEqual(redactRecord({ ts: TS, event: 'tool.called', argNames: names(64) } as AuditRecord, []).argNames, names(64));
    assert.deepEqual(redactRecord({ ts: TS, event: 'tool.called', argNames: names(65) } as AuditRecord, []).argNames, [...names(64), '…']);
    assert.deepEqual(redactRecord({ ts: TS, event: 'tool.called', argNames: ['ok', 'has-tok-secret-9'] } as AuditRecord, ['tok-secret-9']).argNames, ['ok', REDACTED]);
  });
});

describe('truncateAuditString()', () => {
  const a = (n: number) => 'a'.repeat(n);
  it(`keeps up to ${AUDIT_MAX_STRING} characters, and cuts a longer string to ${AUDIT_MAX_STRING} with …`, () => {
    assert.equal(truncateAuditString(a(512)), a(512));
    assert.equal(truncateAuditString(a(513)), `${a(511)}…`);
    assert.equal(truncateAuditString(a(600)).length, AUDIT_MAX_STRING);
  });

  it('never splits a surrogate pair at the cut: the whole pair goes', () => {
    for (const high of ['\ud800', '\udbff']) {
      assert.equal(truncateAuditString(`${a(510)}${high}\udc00${a(100)}`), `${a(510)}…`, high.charCodeAt(0).toString(16));
    }
  });

  it('cuts normally just outside the high-surrogate range', () => {
    assert.equal(truncateAuditString(`${a(510)}\ud7ff${a(100)}`), `${a(510)}\ud7ff…`);
    assert.equal(truncateAuditString(`${a(510)}\udc00${a(100)}`), `${a(510)}\udc00…`);
  });
});
