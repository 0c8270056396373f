// What `keybroker approvals` shows under its table (issue 11, issue 14): every change of a
// write's plan as before → after (a new value, a removed one), where the rest is when there
// are more, why a call asks, a changed tool set's diff, and who asks. A person approves what
// these lines say, so none may drop what the write does or be forged by a hostile value.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeApproval, describeClient, describePlan, MAX_CHANGE_LINES } from '../../../src/cli/format/describe-approval.js';
import type { ApprovalRequest, PlanChange } from '../../../src/base/contracts/approval.js';

const base = { id: '3f9a2c1e', client: 'claude-ai', clientVerified: false, server: 'p6', endpoint: 'pm', createdAt: 0, expiresAt: 1 } as const;
const HASH = '0123456789abcdef'.repeat(4);
const INDENT = ' '.repeat(10);
const planned = (changes: PlanChange[], extra: { reasons?: string[]; summary?: string } = {}): ApprovalRequest => ({
  ...base,
  subject: { kind: 'tool', tool: 'p6_call', argsPreview: '{}', changes: true, plan: { summary: extra.summary ?? 'Update 1 activity object(s) in P6', changes, hash: HASH }, ...(extra.reasons && { reasons: extra.reasons }) },
});

describe('describePlan(): a write\'s plan, line by line', () => {
  it('writes each change as before → after, a new value as → after, a removed one as before → (removed)', () => {
    const lines = describePlan(planned([
      { object: 'activity 101', field: 'PercentComplete', before: '40', after: '50' },
      { object: 'new calendar #1', field: 'Name', after: "'Night shift'" },
      { object: 'activity 102', field: 'object', before: 'exists' },
      { object: 'VM web-01', field: 'snapshot' },
    ]));
    assert.deepEqual(lines, [
      '3f9a2c1e  Update 1 activity object(s) in P6',
      `${INDENT}activity 101: PercentComplete 40 → 50`,
      `${INDENT}new calendar #1: Name → 'Night shift'`,
      `${INDENT}activity 102: object exists → (removed)`,
      `${INDENT}VM web-01: snapshot → (new)`,
      `${INDENT}tool p6_call, plan 0123456789ab; arguments: keybroker approvals --json`,
    ]);
  });

  it('lists at most ten changes and says how many more there are and where', () => {
    const change = (i: number): PlanChange => ({ object: `activity ${i}`, field: 'Status', before: 'a', after: 'b' });
    const ten = describePlan(planned(Array.from({ length: MAX_CHANGE_LINES }, (_, i) => change(i))));
    assert.equal(ten.length, 1 + MAX_CHANGE_LINES + 1, 'summary, ten changes, the tool line: nothing about more');
    const twelve = describePlan(planned(Array.from({ length: MAX_CHANGE_LINES + 2 }, (_, i) => change(i))));
    assert.equal(twelve.length, 1 + MAX_CHANGE_LINES + 2);
    assert.equal(twelve[MAX_CHANGE_LINES], `${INDENT}activity 9: Status a → b`);
    assert.equal(twelve[MAX_CHANGE_LINES + 1], `${INDENT}… 2 more (see --json)`);
  });

  it('says why a call asks, above the changes; and for a call without a plan only when it has a reason', () => {
    const why = ["policy.rules[2]: writes to project NORTH ask", "limit 'updates' reached"];
    const lines = describePlan(planned([{ object: 'activity 101', field: 'Status', before: 'a', after: 'b' }], { reasons: why }));
    assert.deepEqual(lines.slice(0, 4), ['3f9a2c1e  Update 1 activity object(s) in P6', `${INDENT}asks because: ${why[0]}`, `${INDENT}asks because: ${why[1]}`, `${INDENT}activity 101: Status a → b`]);
    const bare: ApprovalRequest = { ...base, subject: { kind: 'tool', tool: 'fixture_write', argsPreview: '{}', changes: true } };
    assert.deepEqual(describePlan(bare), []);
    assert.deepEqual(describePlan({ ...bare, subject: { ...bare.subject, reasons: [why[1]!] } as ApprovalRequest['subject'] }), ['3f9a2c1e  tool fixture_write', `${INDENT}asks because: ${why[1]}`]);
  });

  it('cuts a long summary at 400 characters and a long change at 200, each on one line', () => {
    const lines = describePlan(planned([{ object: 'activity 101', field: 'Name', before: 'x'.repeat(300), after: 'y\n3f9a2c1e  forged' }], { summary: `Update ${'z'.repeat(500)}` }));
    assert.equal(Array.from(lines[0]!).length, '3f9a2c1e  '.length + 400);
    assert.ok(lines[0]!.endsWith('...'), 'a cut summary ends with ...');
    assert.equal(Array.from(lines[1]!).length, INDENT.length + 200);
    assert.ok(lines.every((l) => !l.includes('\n')), 'no line of the plan holds a newline');
  });
});

describe('describePlan(): a changed tool set (issue 14)', () => {
  const definition = (diff: string, server = 'p6'): ApprovalRequest => ({ ...base, server, subject: { kind: 'definition', tools: ['p6_call'], diff, hash: HASH } });

  it('shows the diff\'s lines without blank ones, at most twenty, and how many more', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `~ tool t${i}: description changed`).join('\n');
    assert.equal(describePlan(definition(`${twenty}\n\n`)).length, 21, 'header and twenty lines, no blank one, no "more"');
    const lines = describePlan(definition(`${twenty}\n- tool gone removed\n+ tool new added`));
    assert.equal(lines.length, 22);
    assert.equal(lines[20], `${INDENT}~ tool t19: description changed`);
    assert.equal(lines[21], `${INDENT}… 2 more lines (see --json)`);
  });

  it('names the server in its header, made safe and cut at 400', () => {
    const [header] = describePlan(definition('x', `evil\n${'s'.repeat(500)}`));
    assert.ok(header!.startsWith("3f9a2c1e  the evil sss"), 'the header names the server with its newline made safe');
    assert.equal(Array.from(header!).length, '3f9a2c1e  '.length + 400);
  });
});

describe('describeApproval() and describeClient()', () => {
  it('cuts a changed tool set\'s list to one short line', () => {
    const a: ApprovalRequest = { ...base, subject: { kind: 'definition', tools: Array.from({ length: 30 }, (_, i) => `tool_${i}`), diff: '', hash: HASH } };
    const line = describeApproval(a);
    assert.ok(line.startsWith('changed tool definitions of p6: tool_0, tool_1, '), 'the changed tool set starts with its first tools');
    assert.equal(line.length, 80);
  });

  it('a client that gave no name is "-"; a long or hostile one is one short line', () => {
    assert.equal(describeClient({ client: '', clientVerified: false }), '-');
    assert.equal(describeClient({ client: '', clientVerified: true }), '-');
    const long = describeClient({ client: `evil\r\n${'c'.repeat(100)}`, clientVerified: false });
    assert.ok(long.startsWith('claims to be evil ccc'), long);
    assert.equal(long.length, 64);
    assert.ok(long.endsWith('...'), 'a cut client name ends with ...');
    assert.equal(describeClient({ client: 'c'.repeat(100), clientVerified: true }).length, 64);
  });
});
