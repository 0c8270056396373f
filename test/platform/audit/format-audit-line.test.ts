import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatAuditLine } from '../../../src/platform/audit/format-audit-line.js';

const TS = '2026-11-24T10:00:00.000Z';

describe('formatAuditLine()', () => {
  it('prints ts, event, then the known fields as key=value', () => {
    assert.equal(
      formatAuditLine({ ts: TS, event: 'unlock.approved', client: 'claude', endpoint: 'vc1', ttlSeconds: 14400 }),
      `${TS}  unlock.approved  endpoint=vc1 client=claude ttlSeconds=14400`,
    );
  });

  it('prints just ts and event when there is nothing else', () => {
    assert.equal(formatAuditLine({ ts: TS, event: 'lock' }), `${TS}  lock`);
  });

  it('joins argument names with commas', () => {
    assert.equal(formatAuditLine({ ts: TS, event: 'tool.called', tool: 'power-off-vm', argNames: ['vm', 'force'] }), `${TS}  tool.called  tool=power-off-vm argNames=vm,force`);
  });

  it('quotes values with spaces, so fields stay separable', () => {
    assert.equal(formatAuditLine({ ts: TS, event: 'tool.denied', reason: 'denied by the user' }), `${TS}  tool.denied  reason="denied by the user"`);
  });

  it('keeps one record on one line and escapes terminal control characters', () => {
    const out = formatAuditLine({ ts: TS, event: 'gateway.rejected', client: 'evil\nclient\u001b[31m\u009b\u202e', argNames: ['a,b'] });
    assert.equal(out.includes('\n'), false);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point.
    assert.doesNotMatch(out, /[\u0000-\u001f\u007f-\u009f\u202e]/);
    assert.equal(out, `${TS}  gateway.rejected  client="evil\\nclient\\u001b[31m\\u009b\\u202e" argNames="a,b"`);
  });
});

describe('formatAuditLine() of a coalesced record', () => {
  it('shows how many refusals it stands for and since when', () => {
    const line = formatAuditLine({ ts: '2026-11-24T10:01:00.000Z', event: 'gateway.rejected', outcome: 'denied', code: 'bad_origin', reason: 'http from 127.0.0.1', count: 1234, since: '2026-11-24T10:00:00.000Z' });
    assert.equal(line, '2026-11-24T10:01:00.000Z  gateway.rejected  outcome=denied code=bad_origin reason="http from 127.0.0.1" count=1234 since=2026-11-24T10:00:00.000Z');
  });
});
