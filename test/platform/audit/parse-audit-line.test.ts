import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuditLine } from '../../../src/platform/audit/parse-audit-line.js';

describe('parseAuditLine()', () => {
  it('returns the record of a valid line', () => {
    assert.deepEqual(parseAuditLine('{"ts":"2026-11-24T10:00:00.000Z","event":"lock"}'), { ts: '2026-11-24T10:00:00.000Z', event: 'lock' });
  });

  it('returns undefined for a line that is not JSON, e.g. torn by a crash', () => {
    assert.equal(parseAuditLine('{"ts":"2026-11-24T10:00:00.0'), undefined);
  });

  it('returns undefined for JSON that is not an AuditRecord', () => {
    assert.equal(parseAuditLine('{"ts":"2026-11-24T10:00:00.000Z","event":"lock","token":"x"}'), undefined);
    assert.equal(parseAuditLine('[]'), undefined);
    assert.equal(parseAuditLine('null'), undefined);
  });
});
