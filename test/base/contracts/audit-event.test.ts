import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_EVENTS, AuditRecord } from '../../../src/base/contracts/audit-event.js';

const TS = '2026-11-24T10:00:00.000Z';

describe('AuditRecord', () => {
  it('accepts a record with every known field', () => {
    const full = {
      ts: TS,
      event: 'tool.called',
      endpoint: 'vc1',
      credential: 'endpoint:vc1',
      client: 'claude-ai',
      server: 'vsphere',
      tool: 'power-off-vm',
      outcome: 'ok',
      durationMs: 12.5,
      code: 'not_allowed',
      reason: 'user said no',
      argNames: ['vm', 'force'],
      pid: 4242,
      approvalId: 'a1',
      ttlSeconds: 14400,
      expiresAt: '2026-11-24T14:00:00.000Z',
    };
    assert.deepEqual(AuditRecord.parse(full), full);
  });

  it('accepts every event DESIGN.md lists, and nothing else', () => {
    for (const event of AUDIT_EVENTS) assert.equal(AuditRecord.safeParse({ ts: TS, event }).success, true, event);
    assert.equal(AuditRecord.safeParse({ ts: TS, event: 'vault.opened' }).success, false);
  });

  it('rejects an unknown field, so a secret cannot ride along', () => {
    const r = AuditRecord.safeParse({ ts: TS, event: 'session.login', password: 'hunter2' });
    assert.equal(r.success, false);
    assert.equal(r.error?.issues[0]?.code, 'unrecognized_keys');
    // The error names the key, never the value.
    assert.doesNotMatch(JSON.stringify(r.error?.issues), /hunter2/);
  });

  it('rejects argument values: argNames holds strings only', () => {
    assert.equal(AuditRecord.safeParse({ ts: TS, event: 'tool.called', argNames: [{ vm: 'web01' }] }).success, false);
    assert.equal(AuditRecord.safeParse({ ts: TS, event: 'tool.called', args: { vm: 'web01' } }).success, false);
  });

  it('requires ts as an ISO UTC timestamp', () => {
    assert.equal(AuditRecord.safeParse({ event: 'lock' }).success, false);
    assert.equal(AuditRecord.safeParse({ ts: 'yesterday', event: 'lock' }).success, false);
    assert.equal(AuditRecord.safeParse({ ts: 1764000000000, event: 'lock' }).success, false);
  });

  it('rejects nonsense numbers and outcomes', () => {
    assert.equal(AuditRecord.safeParse({ ts: TS, event: 'lock', durationMs: -1 }).success, false);
    assert.equal(AuditRecord.safeParse({ ts: TS, event: 'lock', pid: 1.5 }).success, false);
    assert.equal(AuditRecord.safeParse({ ts: TS, event: 'lock', outcome: 'meh' }).success, false);
  });
});
