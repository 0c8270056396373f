import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { REPEAT_GRANT_INTERVAL_MS, RepeatGrants } from '../../../src/platform/broker/repeat-grants.js';
import type { LiveSession } from '../../../src/platform/broker/sessions.js';
import { ManualClock } from '../../mocks/manual-clock.js';

const session = (token: string): LiveSession => ({ endpoint: 'pm', kind: 'p6', credential: 'endpoint:pm', token, loggedInAt: 0, expiresAt: Date.UTC(2027, 0, 1), mode: 'ttl' });
const full = (note: string): AuditInput => ({ event: 'token.granted', endpoint: 'pm', server: 'p6', outcome: 'ok', reason: note });

function world() {
  const clock = new ManualClock();
  const records: AuditInput[] = [];
  const grants = new RepeatGrants({ audit: { append: (r) => void records.push(r) }, clock });
  return { clock, records, grants };
}

describe('RepeatGrants', () => {
  it('writes the first grant of a session in full and its repeats as one summary per interval', () => {
    const { clock, records, grants } = world();
    const s = session('t1');
    grants.granted('p6', s, full('first'));
    for (let i = 0; i < 500; i++) grants.granted('p6', s, full('repeat'));
    assert.deepEqual(records.map((r) => r.reason), ['first'], 'repeats are not written one by one');
    clock.advance(REPEAT_GRANT_INTERVAL_MS);
    assert.equal(records.length, 2, 'one summary at the end of the interval');
    assert.deepEqual({ ...records[1], since: undefined, last: undefined }, { event: 'token.granted', endpoint: 'pm', server: 'p6', outcome: 'ok', reason: 'repeated requests served the token already granted', expiresAt: new Date(s.expiresAt).toISOString(), count: 500, since: undefined, last: undefined });
    grants.dispose();
  });

  it('writes the first grant after a change in full, after the repeats of the old one', () => {
    const { records, grants } = world();
    const s1 = session('t1');
    grants.granted('p6', s1, full('first'));
    grants.granted('p6', s1, full('repeat'));
    grants.granted('p6', session('t2'), full('new session'));
    assert.deepEqual(records.map((r) => r.reason ?? r.count), ['first', 'repeated requests served the token already granted', 'new session'], 'the count of the old session, then the new one in full');
    grants.granted('p6', session('t2'), full('another object, another login'));
    assert.equal(records.at(-1)!.reason, 'another object, another login', 'a new login is a change even with the same token text');
    grants.dispose();
  });

  it('writes the first grant after a denial in full, and keeps servers apart', () => {
    const { records, grants } = world();
    const s = session('t1');
    grants.granted('p6', s, full('first'));
    grants.denied('p6', 'pm');
    grants.granted('p6', s, full('after the denial'));
    grants.granted('other', s, full('another server'));
    assert.deepEqual(records.map((r) => r.reason), ['first', 'after the denial', 'another server'], 'each is the first of its run');
    grants.dispose();
  });

  it('writes what is counted when disposed', () => {
    const { records, grants } = world();
    const s = session('t1');
    grants.granted('p6', s, full('first'));
    grants.granted('p6', s, full('repeat'));
    grants.dispose();
    assert.equal(records.at(-1)!.count, 1, 'the counted repeat is written at dispose');
  });
  it('keeps counting one pair while other pairs are granted between its repeats', () => {
    const { clock, records, grants } = world();
    const pm = session('t1');
    const vc1: LiveSession = { ...session('t2'), endpoint: 'vc1' };
    grants.granted('p6', pm, full('pm first'));
    grants.granted('vsphere', vc1, full('vc1 first'));
    for (let i = 0; i < 10; i++) {
      grants.granted('p6', pm, full('pm repeat'));
      grants.granted('vsphere', vc1, full('vc1 repeat'));
    }
    assert.deepEqual(records.map((r) => r.reason), ['pm first', 'vc1 first'], 'interleaved repeats of two pairs are each counted, not written in full again');
    clock.advance(REPEAT_GRANT_INTERVAL_MS);
    assert.deepEqual(records.slice(2).map((r) => [r.endpoint, r.count]).sort(), [['pm', 10], ['vc1', 10]], 'one summary per pair');
    grants.dispose();
  });

  it('folds the repeats of pairs past the tracked limit into one summary for server and endpoint "other"', () => {
    const { clock, records, grants } = world();
    const many = Array.from({ length: 65 }, (_, i): LiveSession => ({ ...session(`t${i}`), endpoint: `e${i}` }));
    for (const s of many) grants.granted('p6', s, full(`first ${s.endpoint}`));
    for (const s of many) grants.granted('p6', s, full('repeat'));
    clock.advance(REPEAT_GRANT_INTERVAL_MS);
    const summaries = records.filter((r) => r.count !== undefined);
    assert.equal(summaries.length, 65, `64 tracked pairs and one folded summary (${summaries.length})`);
    assert.deepEqual(summaries.filter((r) => r.server === 'other').map((r) => [r.endpoint, r.count]), [['other', 1]], 'the 65th pair is counted under "other", never dropped');
    grants.dispose();
  });
});
