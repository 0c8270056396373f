import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterAudit, matchesAuditFilter } from '../../src/base/audit-filter.js';
import type { AuditRecord } from '../../src/base/contracts/audit-event.js';

const r = (event: AuditRecord['event'], extra: Partial<AuditRecord> = {}): AuditRecord => ({ ts: '2026-11-24T10:00:00.000Z', event, ...extra });

describe('audit filter', () => {
  it('matches event, endpoint and text (case-insensitive, any field)', () => {
    assert.equal(matchesAuditFilter(r('tool.called', { tool: 'Power-Off-VM' }), { text: 'power-off' }), true);
    assert.equal(matchesAuditFilter(r('tool.called'), { event: 'tool.denied' }), false);
    assert.equal(matchesAuditFilter(r('tool.called', { endpoint: 'vc1' }), { endpoint: 'vc2' }), false);
    assert.equal(matchesAuditFilter(r('tool.called', { argNames: ['vm', 'force'] }), { text: 'force' }), true);
  });
  it('keeps the newest `limit` matches, oldest first', () => {
    const records = [1, 2, 3, 4].map((n) => r('tool.called', { tool: `t${n}` }));
    assert.deepEqual(filterAudit(records, { limit: 2 }).map((x) => x.tool), ['t3', 't4']);
  });
});
