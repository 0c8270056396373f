// CoolDownRefusals (D203), directly: the exact record of a refusal in a deny's cool-down, pairs
// kept apart and folded past 64, and what is counted written when the host stops. ManualClock
// for time; the audit is a recording sink. (Found by the round-11 mutation run, docs/TESTING.md.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { COOL_DOWN_AUDIT_INTERVAL_MS, CoolDownRefusals } from '../../../src/platform/broker/cool-down-refusals.js';
import { ManualClock } from '../../mocks/manual-clock.js';

const REASON = 'refused without a prompt: the user denied this access a moment ago (cool-down)';

function world() {
  const clock = new ManualClock();
  const records: AuditInput[] = [];
  const refusals = new CoolDownRefusals({ audit: { append: (r) => void records.push(r) }, clock });
  return { clock, records, refusals };
}

describe('CoolDownRefusals', () => {
  it('writes the first refusal of a server and endpoint at once, as a denial with its reason', () => {
    const { clock, records, refusals } = world();
    const at = new Date(clock.now()).toISOString();
    refusals.record('vsphere', 'vc1');
    assert.deepEqual(records, [{ event: 'token.denied', endpoint: 'vc1', server: 'vsphere', outcome: 'denied', code: 'denied', reason: REASON, count: 1, since: at, last: at }], 'the first refusal\'s record');
    refusals.dispose();
  });

  it('counts each server and endpoint apart', () => {
    const { clock, records, refusals } = world();
    refusals.record('vsphere', 'vc1');
    refusals.record('vsphere', 'vc2');
    refusals.record('p6', 'vc1');
    refusals.record('vsphere', 'vc1');
    assert.deepEqual(records.map((r) => [r.server, r.endpoint, r.count]), [['vsphere', 'vc1', 1], ['vsphere', 'vc2', 1], ['p6', 'vc1', 1]], 'the first of each pair at once');
    clock.advance(COOL_DOWN_AUDIT_INTERVAL_MS);
    assert.deepEqual(records.slice(3).map((r) => [r.server, r.endpoint, r.count]), [['vsphere', 'vc1', 1]], 'the repeat in its pair\'s summary');
    refusals.dispose();
  });

  it('folds a 65th pair into server and endpoint "other", so a loop over names cannot grow the log or the memory', () => {
    const { records, refusals } = world();
    for (let i = 0; i < 64; i++) refusals.record('vsphere', `e${i}`);
    refusals.record('vsphere', 'e64');
    refusals.record('p6', 'e65');
    assert.equal(records.length, 65, `the first of 64 pairs, then one for the rest: ${records.length}`);
    assert.deepEqual([records[64]!.server, records[64]!.endpoint, records[64]!.count], ['other', 'other', 1], 'the 65th pair folded');
    refusals.dispose();
    assert.deepEqual([records.at(-1)!.server, records.at(-1)!.endpoint, records.at(-1)!.count], ['other', 'other', 1], 'the 66th counted with it');
  });

  it('writes what is counted when the host stops, and counts nothing after', () => {
    const { clock, records, refusals } = world();
    const since = new Date(clock.now()).toISOString();
    refusals.record('vsphere', 'vc1');
    clock.advance(10);
    refusals.record('vsphere', 'vc1');
    clock.advance(10);
    refusals.record('vsphere', 'vc1');
    refusals.dispose();
    assert.deepEqual(records.at(-1), { event: 'token.denied', endpoint: 'vc1', server: 'vsphere', outcome: 'denied', code: 'denied', reason: REASON, count: 2, since: new Date(clock.now() - 10).toISOString(), last: new Date(clock.now()).toISOString() }, 'the two repeats in one summary');
    assert.equal(records[0]!.since, since, 'the first at once');
    refusals.record('vsphere', 'vc1');
    clock.advance(COOL_DOWN_AUDIT_INTERVAL_MS);
    assert.equal(records.length, 2, 'nothing after dispose');
  });
});
