import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeApproval, describeClient, describePlan, MAX_WHAT_CHARS } from '../../../src/cli/format/describe-approval.js';
import type { ApprovalRequest } from '../../../src/base/contracts/approval.js';

const base = { id: '3f9a2c1e', client: 'c', clientVerified: false, server: 'vsphere', endpoint: 'vc1', createdAt: 0, expiresAt: 1 } as const;

describe('describeApproval()', () => {
  it('describes an unlock with its first host (+ when there are more) and its TTL', () => {
    const a: ApprovalRequest = { ...base, subject: { kind: 'unlock', credential: 'domain:corp.example', ttlSeconds: 5_400, hosts: ['vc1.corp.example', 'vc2.corp.example'] } };
    assert.equal(describeApproval(a), 'unlock domain:corp.example at vc1.corp.example + for 1h30m');
    const one: ApprovalRequest = { ...base, subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 60, hosts: ['127.0.0.1:8443'] } };
    assert.equal(describeApproval(one), 'unlock endpoint:vc1 at 127.0.0.1:8443 for 1m');
    const capped: ApprovalRequest = { ...base, subject: { kind: 'unlock', credential: 'domain:corp.example', ttlSeconds: 60, hosts: ['a.example'], moreHosts: 3 } };
    assert.equal(describeApproval(capped), 'unlock domain:corp.example at a.example + for 1m');
  });

  it('names every host of an unlock on the line under the table, with the count beyond the cap (Y7-bindpw)', () => {
    const a: ApprovalRequest = { ...base, subject: { kind: 'unlock', credential: 'domain:corp.example', ttlSeconds: 60, hosts: ['vc1.corp.example', 'evil.example\u202e'], moreHosts: 2 } };
    assert.deepEqual(describePlan(a), ['3f9a2c1e  the password of domain:corp.example goes to: vc1.corp.example, evil.example\uFFFD and 2 more']);
    const one: ApprovalRequest = { ...base, subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 60, hosts: ['vc1.corp.example'] } };
    assert.deepEqual(describePlan(one), ['3f9a2c1e  the password of endpoint:vc1 goes to: vc1.corp.example']);
  });

  it('says an approval binds a password with no recorded servers yet, in the row and under the table (D222)', () => {
    const a: ApprovalRequest = { ...base, subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 60, hosts: ['vc1.corp.example'], unbound: true } };
    assert.equal(describeApproval(a), 'bind and unlock endpoint:vc1 at vc1.corp.example for 1m');
    assert.deepEqual(describePlan(a), [
      '3f9a2c1e  the password of endpoint:vc1 goes to: vc1.corp.example',
      '          this password has no recorded servers yet; approving binds it to vc1.corp.example, and it goes nowhere else after that',
    ]);
  });

  it('names a server config.json added, with its command, in the row and first under the table (C7-firstuse)', () => {
    const a: ApprovalRequest = { ...base, server: 'vs-extra', subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 60, hosts: ['vc1.corp.example'], fromConfig: { command: 'node /home/u/x.js\n\u202eevil' } } };
    assert.equal(describeApproval(a), 'config.json server: unlock endpoint:vc1 at vc1.corp.example for 1m');
    // keybroker serve's line starts with configServerLine, which says it already: not twice.
    assert.equal(describeApproval(a, { serverNamed: true }), 'unlock endpoint:vc1 at vc1.corp.example for 1m', 'serve\'s line names it once');
    assert.deepEqual(describePlan(a), [
      '3f9a2c1e  vs-extra (from config.json, command node /home/u/x.js \uFFFDevil) asks for vc1\'s session',
      '3f9a2c1e  the password of endpoint:vc1 goes to: vc1.corp.example',
    ]);
  });

  it('says a config.json server\'s code changed since it was allowed (D2-modulebytes)', () => {
    const a: ApprovalRequest = { ...base, server: 'vs-extra', subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 60, hosts: ['vc1.corp.example'], fromConfig: { command: 'node /home/u/x.js', codeSha256: 'ab'.repeat(32), codeChanged: true } } };
    assert.equal(describePlan(a)[0], '3f9a2c1e  vs-extra (from config.json, command node /home/u/x.js) asks for vc1\'s session; its code changed since it was allowed');
  });

  it('compacts pretty-printed tool arguments and cuts long ones to one safe line', () => {
    const short: ApprovalRequest = { ...base, subject: { kind: 'tool', tool: 'vsphere_power', argsPreview: '{\n  "action": "off"\n}', changes: true } };
    assert.equal(describeApproval(short), 'tool vsphere_power {"action":"off"}');
    const long: ApprovalRequest = { ...base, subject: { kind: 'tool', tool: 'vsphere_power', argsPreview: JSON.stringify({ action: 'off', note: 'line1\nline2\u001b]0;x\u0007'.repeat(20), changes: true }, null, 2), changes: true } };
    const line = describeApproval(long);
    assert.equal(Array.from(line).length, MAX_WHAT_CHARS);
    assert.ok(line.startsWith('tool vsphere_power {"action":"off","note":"line1\\nline2\\u001b]0;x\\u0007'), 'the arguments are shown escaped: no raw newline or escape sequence');
    assert.ok(line.endsWith('...'), 'a cut line ends with ...');
  });

  it('shows a preview that is not JSON as text, without its control characters', () => {
    const a: ApprovalRequest = { ...base, subject: { kind: 'tool', tool: 't', argsPreview: '{"cut": "off\n\u001b[2J', changes: true } };
    assert.equal(describeApproval(a), 'tool t {"cut": "off \uFFFD[2J');
  });
});

describe('describeApproval() with a plan (issue 11)', () => {
  const plan = { summary: 'Power off VM web-01 (now poweredOn, 2 vCPU, on esx-07)', changes: [{ object: 'VM web-01 (vm-42)', field: 'power state', before: 'poweredOn', after: 'poweredOff' }], hash: 'ab'.repeat(32) };
  const a: ApprovalRequest = { ...base, client: 'claude-ai', subject: { kind: 'tool', tool: 'vsphere_power', argsPreview: '{"vm":"web-01"}', changes: true, plan } };

  it('shows the summary first, not the raw arguments', () => {
    assert.equal(describeApproval(a), plan.summary);
  });

  it('lists the plan\'s changes and where the arguments are, each line made safe', () => {
    const hostile: ApprovalRequest = { ...a, subject: { ...a.subject, plan: { ...plan, summary: 'Power off\n3f9a2c1e fake row\u202e' } } as ApprovalRequest['subject'] };
    const lines = describePlan(hostile);
    assert.equal(lines[0], '3f9a2c1e  Power off 3f9a2c1e fake row\uFFFD');
    assert.equal(lines[1]!.trim(), 'VM web-01 (vm-42): power state poweredOn → poweredOff');
    assert.match(lines[2]!, /tool vsphere_power, plan abababababab; arguments: keybroker approvals --json/);
  });

  it('shows a changed tool set with its diff, each line made safe, and why a call asks (issue 14)', () => {
    const d: ApprovalRequest = { ...base, subject: { kind: 'definition', tools: ['echo', 'gone'], diff: '~ tool echo: description changed\n    now: evil\u202e\n- tool gone removed', hash: 'ab'.repeat(32) } };
    assert.equal(describeApproval(d), 'changed tool definitions of vsphere: echo, gone');
    const lines = describePlan(d);
    assert.match(lines[0]!, /^3f9a2c1e {2}the vsphere server's tool definitions differ from the pinned ones/);
    assert.deepEqual(lines.slice(1).map((l) => l.trim()), ['~ tool echo: description changed', 'now: evil\uFFFD', '- tool gone removed']);
    const limited: ApprovalRequest = { ...a, subject: { ...a.subject, reasons: ["limit 'power or snapshot changes' reached"] } as ApprovalRequest['subject'] };
    assert.equal(describePlan(limited)[1]!.trim(), "asks because: limit 'power or snapshot changes' reached");
  });

  it('shows a policy loosening from config.json in plain words, every line made safe, and how to answer it (D1-policyconsent)', () => {
    const p: ApprovalRequest = { ...base, subject: { kind: 'policy', loosenings: ['config.json now lets vsphere_power run on vc1 without asking (policy.allow names vsphere/vsphere_power)', 'config.json makes vc2 read-write\u202e\nfake row'], hash: 'ab'.repeat(32) } };
    assert.equal(describeApproval(p), 'policy: config.json now lets vsphere_power run on vc1 without asking (policy....');
    assert.deepEqual(describePlan(p).map((l) => l.trim()), [
      '3f9a2c1e  config.json changed the policy so that changes run without asking; allow these rules?',
      'config.json now lets vsphere_power run on vc1 without asking (policy.allow names vsphere/vsphere_power)',
      'config.json makes vc2 read-write\uFFFD fake row',
      "'keybroker approve 3f9a2c1e' allows them (with the desktop app running, only its window does); 'keybroker deny 3f9a2c1e' keeps every such call asking",
    ]);
  });

  it('marks a client name as self-declared unless the channel proved it', () => {
    assert.equal(describeClient(a), 'claims to be claude-ai');
    assert.equal(describeClient({ ...a, clientVerified: true }), 'claude-ai');
  });
});
