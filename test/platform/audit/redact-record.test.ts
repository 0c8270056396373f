import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import {
  AUDIT_MAX_ARG_NAMES,
  AUDIT_MAX_STRING,
  PINNED_AUDIT_FIELDS,
  REDACTED,
  redactRecord,
  truncateAuditString,
} from '../../../src/platform/audit/redact-record.js';

const TS = '2026-11-24T10:00:00.000Z';
const SECRET = 's3cr3t-T0ken/with+chars';

const FREE_TEXT_FIELDS = ['endpoint', 'credential', 'client', 'server', 'tool', 'code', 'reason', 'approvalId'] as const;

describe('redactRecord()', () => {
  for (const field of FREE_TEXT_FIELDS) {
    it(`replaces ${field} when it contains a live secret anywhere`, () => {
      const record: AuditRecord = { ts: TS, event: 'tool.failed', [field]: `prefix ${SECRET} suffix` };
      assert.equal(redactRecord(record, [SECRET])[field], REDACTED);
    });
  }

  it('replaces an argument name containing a secret, keeping the others', () => {
    const out = redactRecord({ ts: TS, event: 'tool.called', argNames: ['vm', `x${SECRET}`] }, [SECRET]);
    assert.deepEqual(out.argNames, ['vm', REDACTED]);
  });

  it('catches the URL-encoded form of a secret', () => {
    const out = redactRecord({ ts: TS, event: 'session.failed', reason: `GET /login?p=${encodeURIComponent(SECRET)}` }, [SECRET]);
    assert.equal(out.reason, REDACTED);
  });

  it('checks against every secret the provider yields, including from a generator', () => {
    function* live() {
      yield 'first-secret';
      yield 'second-secret';
    }
    const out = redactRecord({ ts: TS, event: 'tool.failed', reason: 'saw second-secret', client: 'ok' }, live());
    assert.equal(out.reason, REDACTED);
    assert.equal(out.client, 'ok');
  });

  it('leaves fields without a secret, numbers and structured fields alone', () => {
    const record: AuditRecord = { ts: TS, event: 'unlock.approved', endpoint: 'vc1', ttlSeconds: 14400, pid: 7, expiresAt: TS, outcome: 'ok' };
    assert.deepEqual(redactRecord(record, [SECRET, '']), record);
  });

  it('ignores secrets too short to search for without wiping the log', () => {
    const out = redactRecord({ ts: TS, event: 'lock', reason: 'abc def' }, ['abc', '']);
    assert.equal(out.reason, 'abc def');
  });

  it('redacts a secret that straddles the truncation point', () => {
    const reason = `${'a'.repeat(AUDIT_MAX_STRING - 5)}${SECRET}`;
    assert.equal(redactRecord({ ts: TS, event: 'tool.failed', reason }, [SECRET]).reason, REDACTED);
  });

  it(`truncates strings longer than ${AUDIT_MAX_STRING} characters`, () => {
    const out = redactRecord({ ts: TS, event: 'tool.failed', reason: 'x'.repeat(5000) }, []);
    assert.equal(out.reason?.length, AUDIT_MAX_STRING);
    assert.ok(out.reason?.endsWith('…'), 'a cut string ends with an ellipsis');
  });

  it(`keeps at most ${AUDIT_MAX_ARG_NAMES} argument names and marks the cut`, () => {
    const names = Array.from({ length: 100 }, (_, i) => `a${i}`);
    const out = redactRecord({ ts: TS, event: 'tool.called', argNames: names }, []);
    assert.equal(out.argNames?.length, AUDIT_MAX_ARG_NAMES + 1);
    assert.equal(out.argNames?.at(-1), '…');
  });

  // D4-tidy (from D247): a live secret of 4-5 characters inside "allow" made `decision` "[redacted]",
  // which no record may hold, so `keybroker audit verify` refused the line.
  it('keeps every pinned field (enums, dates, the key id) as it is when a short secret is part of it', () => {
    const record: AuditRecord = { ts: TS, event: 'audit.checkpoint', outcome: 'denied', decision: 'allow', expiresAt: TS, since: TS, last: TS, keyId: '0123456789abcdef', codeSha256: 'cafe'.repeat(16) };
    assert.deepEqual(redactRecord(record, ['allo', 'deni', 'audit', '11-24', '4567', 'ok', 'cafecafe']), record, 'nothing redacted');
    assert.equal(redactRecord({ ts: TS, event: 'tool.called', decision: 'deny', reason: 'deny it' }, ['deny']).reason, REDACTED, 'free text beside it still is');
  });

  it('holds the pinned fields to the schema: exactly the string fields that refuse "[redacted]"', () => {
    // Every string field the schema has, read from the schema itself (a sample list missed D260's codeSha256).
    const json = z.toJSONSchema(AuditRecord, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { type?: string }> };
    const strings = Object.entries(AuditRecord.shape).filter(([key]) => json.properties[key]?.type === 'string');
    assert.ok(strings.length >= 20, `the schema's string fields were found (${strings.length})`);
    const pinned = strings.filter(([, schema]) => !schema.safeParse(REDACTED).success).map(([key]) => key);
    assert.deepEqual([...PINNED_AUDIT_FIELDS].sort(), pinned.sort(), 'a new enum or date field is pinned, a free-text one is not');
  });

  it('refuses a pinned field its schema refuses instead of writing it unredacted (an unchecked record is a bug)', () => {
    const record = { ts: TS, event: 'tool.called', decision: `allow ${SECRET}` } as unknown as AuditRecord;
    assert.throws(() => redactRecord(record, [SECRET]), { name: 'BugError', message: /^invalid audit record: decision is not one of its schema's values; validate/ }, 'no free text passes as a pinned field');
  });

  it('does not change the record it was given', () => {
    const record: AuditRecord = { ts: TS, event: 'tool.failed', reason: SECRET };
    redactRecord(record, [SECRET]);
    assert.equal(record.reason, SECRET);
  });
});

describe('truncateAuditString()', () => {
  it('returns short strings unchanged', () => {
    assert.equal(truncateAuditString('short'), 'short');
    assert.equal(truncateAuditString('y'.repeat(AUDIT_MAX_STRING)), 'y'.repeat(AUDIT_MAX_STRING));
  });

  it('never splits a surrogate pair', () => {
    const s = `${'z'.repeat(AUDIT_MAX_STRING - 2)}😀😀😀`;
    const out = truncateAuditString(s);
    assert.ok(out.length <= AUDIT_MAX_STRING, 'the cut string fits AUDIT_MAX_STRING');
    // A lone surrogate does not survive a UTF-8 round trip.
    assert.equal(Buffer.from(out, 'utf8').toString('utf8'), out);
    assert.ok(out.endsWith('z…'), 'the cut falls before the pair, not inside it');
  });
});
