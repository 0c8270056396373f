import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeApproval, MAX_WHAT_CHARS } from '../../../src/cli/format/describe-approval.js';
import type { ApprovalRequest } from '../../../src/core/common/contracts/approval.js';

const base = { id: '3f9a2c1e', client: 'c', clientVerified: false, server: 'vsphere', endpoint: 'vc1', createdAt: 0, expiresAt: 1 } as const;

describe('describeApproval()', () => {
  it('describes an unlock with its TTL', () => {
    const a: ApprovalRequest = { ...base, subject: { kind: 'unlock', credential: 'domain:corp.example', ttlSeconds: 5_400 } };
    assert.equal(describeApproval(a), 'unlock domain:corp.example for 1h30m');
  });

  it('compacts pretty-printed tool arguments and cuts long ones to one safe line', () => {
    const short: ApprovalRequest = { ...base, subject: { kind: 'tool', tool: 'vsphere_power', argsPreview: '{\n  "action": "off"\n}', changes: true } };
    assert.equal(describeApproval(short), 'tool vsphere_power {"action":"off"}');
    const long: ApprovalRequest = { ...base, subject: { kind: 'tool', tool: 'vsphere_power', argsPreview: JSON.stringify({ action: 'off', note: 'line1\nline2\u001b]0;x\u0007'.repeat(20), changes: true }, null, 2), changes: true } };
    const line = describeApproval(long);
    assert.equal(Array.from(line).length, MAX_WHAT_CHARS);
    assert.ok(line.startsWith('tool vsphere_power {"action":"off","note":"line1\\nline2\\u001b]0;x\\u0007'));
    assert.ok(line.endsWith('...'));
  });

  it('shows a preview that is not JSON as text, without its control characters', () => {
    const a: ApprovalRequest = { ...base, subject: { kind: 'tool', tool: 't', argsPreview: '{"cut": "off\n\u001b[2J', changes: true } };
    assert.equal(describeApproval(a), 'tool t {"cut": "off \uFFFD[2J');
  });
});
