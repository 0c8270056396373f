// `keybroker audit`'s human line and the audit view's filter, the edges (the `audit`
// mutation area): every field a record can hold is printed under its name (a target, a
// plan, a rule is never left out of what the user reads), in the documented order; what
// prints bare and what is quoted; the filter's matching.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterAudit, matchesAuditFilter } from '../../../src/base/audit-filter.js';
import { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import { formatAuditLine } from '../../../src/platform/audit/format-audit-line.js';

const TS = '2026-12-07T00:00:00.000Z';

/** A record with every optional field the human line shows. */
const FULL: AuditRecord = AuditRecord.parse({
  ts: TS,
  event: 'tool.approved',
  planSummary: 'power off vm-1',
  endpoint: 'vc1',
  credential: 'admin',
  client: 'claude',
  server: 'vsphere',
  tool: 'power-off-vm',
  outcome: 'ok',
  durationMs: 12.5,
  code: 'E_X',
  reason: 'approved by the user',
  decision: 'ask',
  rule: 2,
  ruleReason: 'writes-need-approval',
  limits: ['vms:1/10m'],
  tools: ['t1', 't2'],
  argNames: ['vm', 'force'],
  pid: 42,
  approvalId: 'ap-1',
  objects: ['vm-1', 'vm-2'],
  planHash: 'sha256:ab12',
  ttlSeconds: 60,
  expiresAt: '2026-12-07T01:00:00.000Z',
  count: 3,
  since: '2026-12-06T23:00:00.000Z',
});

describe('formatAuditLine(): every field, in order', () => {
  it('prints each field under its JSON name, the plan first, the details after', () => {
    assert.equal(
      formatAuditLine(FULL),
      `${TS}  tool.approved  planSummary="power off vm-1" endpoint=vc1 credential=admin client=claude server=vsphere tool=power-off-vm outcome=ok durationMs=12.5 code=E_X reason="approved by the user" decision=ask rule=2 ruleReason=writes-need-approval limits=vms:1/10m tools=t1,t2 argNames=vm,force pid=42 approvalId=ap-1 objects=vm-1,vm-2 planHash=sha256:ab12 ttlSeconds=60 expiresAt=2026-12-07T01:00:00.000Z count=3 since=2026-12-06T23:00:00.000Z`,
    );
  });

  it('prints an unlock request that binds a password with unbound=true after its hosts (D222)', () => {
    const record = AuditRecord.parse({ ts: TS, event: 'unlock.requested', endpoint: 'pm', credential: 'endpoint:pm', hosts: ['p6.example'], unbound: true, client: 'claude', server: 'p6', approvalId: 'ap-1', ttlSeconds: 3600 });
    assert.equal(formatAuditLine(record), `${TS}  unlock.requested  endpoint=pm credential=endpoint:pm hosts=p6.example unbound=true client=claude server=p6 approvalId=ap-1 ttlSeconds=3600`);
    assert.equal(AuditRecord.safeParse({ ts: TS, event: 'unlock.requested', unbound: false }).success, false, 'only true is recorded; a plain unlock leaves the field out');
  });

  it('prints a value bare only when it is made of letters, digits and . _ : @ / + -; anything else (empty too) is quoted', () => {
    for (const bare of ['a', 'Z9', 'a.b', 'a_b', 'a:b', 'a@b', 'a/b', 'a+b', 'a-b', '._:@/+-']) {
      assert.equal(formatAuditLine({ ts: TS, event: 'lock', client: bare }), `${TS}  lock  client=${bare}`, bare);
    }
    for (const quoted of ['', 'a b', 'a=b', 'a,b', 'a"b', 'é', 'a\tb', '*']) {
      assert.equal(formatAuditLine({ ts: TS, event: 'lock', client: quoted }), `${TS}  lock  client=${JSON.stringify(quoted)}`, quoted);
    }
  });

  it('escapes each UTF-16 unit of an unsafe character as four hex digits', () => {
    assert.equal(formatAuditLine({ ts: TS, event: 'lock', client: 'a\u0085b\u200bc' }), `${TS}  lock  client="a\\u0085b\\u200bc"`);
    assert.equal(formatAuditLine({ ts: TS, event: 'lock', client: 'x\ud800y' }), `${TS}  lock  client="x\\ud800y"`);
    // A tag character (U+E0041, invisible) is two units: both are shown.
    assert.equal(formatAuditLine({ ts: TS, event: 'lock', client: 'x\u{e0041}y' }), `${TS}  lock  client="x\\udb40\\udc41y"`);
  });
});

describe('the audit view filter: edges', () => {
  const r = (extra: Partial<AuditRecord> = {}): AuditRecord => ({ ts: TS, event: 'tool.called', ...extra });

  it('matches the exact event and endpoint it names', () => {
    assert.equal(matchesAuditFilter(r({ endpoint: 'vc1' }), { event: 'tool.called', endpoint: 'vc1' }), true);
    assert.equal(matchesAuditFilter(r({ endpoint: 'vc1' }), { event: 'tool.called', endpoint: 'vc' }), false);
    assert.equal(matchesAuditFilter(r(), { event: 'tool' }), false);
    assert.equal(matchesAuditFilter(r(), { event: '', endpoint: '' }), true, 'an empty choice is no filter');
  });

  it('searches text case-insensitively and trimmed, in every field (numbers and lists too); blank text matches all', () => {
    assert.equal(matchesAuditFilter(r({ tool: 'list-vms' }), { text: '  LIST-VMS ' }), true);
    assert.equal(matchesAuditFilter(r({ pid: 4242 }), { text: '424' }), true);
    assert.equal(matchesAuditFilter(r({ objects: ['vm-1', 'vm-2'] }), { text: 'vm-1 vm-2' }), true);
    assert.equal(matchesAuditFilter(r({ objects: ['vm-1'] }), { text: 'vm-9' }), false);
    assert.equal(matchesAuditFilter(r(), { text: '   ' }), true);
    assert.equal(matchesAuditFilter(r(), { text: 'tool.called' }), true, 'the event is a field too');
  });

  it('keeps the newest `limit` matches, all of them when fewer, the oldest included', () => {
    const records = [1, 2, 3].map((pid) => r({ pid, tool: pid === 2 ? 'other' : 'list-vms' }));
    assert.deepEqual(filterAudit(records, { limit: 10 }).map((x) => x.pid), [1, 2, 3]);
    assert.deepEqual(filterAudit(records, { limit: 10, text: 'list' }).map((x) => x.pid), [1, 3]);
    assert.deepEqual(filterAudit(records, { limit: 0 }), []);
  });
});
