// auditCoalescer (D204): the one wiring of the Coalescer to the audit that the four floodable
// records (HTTP refusals, queued calls, repeated grants, cool-down refusals) share.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import { appendCoalesced, auditCoalescer, COALESCED_AUDIT_INTERVAL_MS, COALESCED_AUDIT_MAX_KEYS, type AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { ManualClock } from '../../mocks/manual-clock.js';

/** A sink with a budget for coalesced records, as the AuditLog has; `room` false refuses them. */
function boundedSink() {
  const bounded: AuditInput[] = [];
  const plain: AuditInput[] = [];
  const sink = {
    room: true as boolean,
    bounded,
    plain,
    append(record: AuditInput): void {
      plain.push(record);
    },
    appendBounded(record: AuditInput): AuditRecord | undefined {
      if (!sink.room) return undefined;
      bounded.push(record);
      return { ...record, ts: new Date(0).toISOString() } as AuditRecord;
    },
  };
  return sink;
}

const recordOf = ({ item, count }: { item: string; count: number }): AuditInput => ({ event: 'gateway.rejected', reason: item, count });

describe('auditCoalescer()', () => {
  it('writes through appendBounded, one summary a minute by default, and keeps a count the log had no room for', () => {
    const clock = new ManualClock();
    const sink = boundedSink();
    const c = auditCoalescer<string>(sink, clock, { key: (s) => s, fold: () => 'other', record: recordOf });
    for (let i = 0; i < 10; i++) c.record('a');
    assert.deepEqual(sink.bounded, [{ event: 'gateway.rejected', reason: 'a', count: 1 }], 'the first at once, bounded');
    assert.equal(sink.plain.length, 0, 'never through append where the sink has a budget (D47)');
    clock.advance(COALESCED_AUDIT_INTERVAL_MS - 1);
    assert.equal(sink.bounded.length, 1, 'no summary before the minute is over');
    sink.room = false;
    clock.advance(1);
    assert.equal(sink.bounded.length, 1, 'no room: nothing written');
    sink.room = true;
    clock.advance(COALESCED_AUDIT_INTERVAL_MS);
    assert.deepEqual(sink.bounded[1], { event: 'gateway.rejected', reason: 'a', count: 9 }, 'the kept count goes out with the next summary');
    c.dispose();
  });

  it(`folds keys past ${COALESCED_AUDIT_MAX_KEYS} by default, and the given interval and key bound when set`, () => {
    const clock = new ManualClock();
    const sink = boundedSink();
    const c = auditCoalescer<string>(sink, clock, { key: (s) => s, fold: () => 'other', record: recordOf });
    for (let i = 0; i < COALESCED_AUDIT_MAX_KEYS + 10; i++) c.record(`k${i}`);
    assert.equal(sink.bounded.length, COALESCED_AUDIT_MAX_KEYS + 1, 'the tracked keys and one folded record');
    assert.equal(sink.bounded.at(-1)!.reason, 'other', 'the rest folded');
    c.dispose();
    const small = boundedSink();
    const d = auditCoalescer<string>(small, clock, { key: (s) => s, fold: () => 'other', record: recordOf, intervalMs: 10, maxKeys: 1 });
    d.record('a');
    d.record('b');
    d.record('b');
    assert.deepEqual(small.bounded.map((r) => r.reason), ['a', 'other'], 'maxKeys 1 folds the second key');
    clock.advance(10);
    assert.deepEqual(small.bounded.at(-1), { event: 'gateway.rejected', reason: 'other', count: 1 }, 'the summary after the given 10 ms');
    d.dispose();
  });

  it('swallows a write that throws unless onError is given, and counts on; leading false writes only summaries', () => {
    const clock = new ManualClock();
    const failing = { append: () => { throw new Error('disk full'); } };
    const quiet = auditCoalescer<string>(failing, clock, { key: (s) => s, fold: () => 'other', record: recordOf });
    assert.doesNotThrow(() => quiet.record('a'), 'a log that cannot be written stops the host on its own (D175)');
    const errors: unknown[] = [];
    const told = auditCoalescer<string>(failing, clock, { key: (s) => s, fold: () => 'other', record: recordOf, onError: (e) => errors.push(e) });
    told.record('a');
    assert.deepEqual(errors.map((e) => (e as Error).message), ['disk full'], 'onError hears of the failed write');
    const sink = boundedSink();
    const trailing = auditCoalescer<string>(sink, clock, { key: (s) => s, fold: () => 'other', record: recordOf, leading: false });
    trailing.record('a');
    trailing.record('a');
    assert.equal(sink.bounded.length, 0, 'leading false: the first is not written at once');
    clock.advance(COALESCED_AUDIT_INTERVAL_MS);
    assert.deepEqual(sink.bounded, [{ event: 'gateway.rejected', reason: 'a', count: 2 }], 'one summary of both');
    for (const c of [quiet, told, trailing]) c.dispose();
  });

  it('appendCoalesced appends where the sink has no budget (test arrays)', () => {
    const records: AuditInput[] = [];
    assert.equal(appendCoalesced({ append: (r) => records.push(r) }, { event: 'gateway.rejected', count: 1 }), true, 'written');
    assert.equal(records.length, 1, 'through append');
  });
});
