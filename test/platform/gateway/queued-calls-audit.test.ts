import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import type { AuditInput, AuditSink } from '../../../src/platform/ports/audit-sink.js';
import { QUEUED_AUDIT_INTERVAL_MS, QueuedCallsAudit } from '../../../src/platform/gateway/queued-calls-audit.js';
import { ManualClock } from '../../mocks/manual-clock.js';

/** A sink with a budget for coalesced records, as the AuditLog has; `room` false refuses them. */
function boundedSink() {
  const records: AuditInput[] = [];
  const sink = {
    room: true as boolean,
    records,
    append(): void {
      throw new Error('coalesced records must go through appendBounded');
    },
    appendBounded(record: AuditInput): AuditRecord | undefined {
      if (!sink.room) return undefined;
      records.push(record);
      return { ...record, ts: new Date(0).toISOString() } as AuditRecord;
    },
  } satisfies AuditSink & { room: boolean; records: AuditInput[] };
  return sink;
}

describe('QueuedCallsAudit', () => {
  it('writes the first wait at once and the rest of a flood as one record per interval', () => {
    const clock = new ManualClock();
    const sink = boundedSink();
    const audit = new QueuedCallsAudit({ audit: sink, clock });
    for (let i = 0; i < 1000; i++) audit.record('p6', 'claude-ai', 'over-share');
    assert.equal(sink.records.length, 1, 'one record for the first wait, not one per call');
    assert.deepEqual({ ...sink.records[0], since: undefined }, { event: 'gateway.queued', server: 'p6', client: 'claude-ai', code: 'over-share', reason: 'calls waited: the client (or this session of it) already had its share of the server in flight', count: 1, since: undefined });
    assert.equal(sink.records[0]!.since, new Date(clock.now()).toISOString());
    clock.advance(QUEUED_AUDIT_INTERVAL_MS);
    assert.equal(sink.records.length, 2, 'the summary at the end of the interval');
    assert.equal(sink.records[1]!.count, 999, 'counts every other wait');
    clock.advance(QUEUED_AUDIT_INTERVAL_MS);
    assert.equal(sink.records.length, 2, 'a quiet interval writes nothing');
    clock.advance(QUEUED_AUDIT_INTERVAL_MS);
    audit.record('p6', 'claude-ai', 'over-share');
    assert.equal(sink.records.length, 3, 'after a quiet interval the next wait is written at once again');
    audit.dispose();
  });

  it('keeps servers, clients and reasons apart, and bounds how many it tracks', () => {
    const clock = new ManualClock();
    const sink = boundedSink();
    const audit = new QueuedCallsAudit({ audit: sink, clock });
    audit.record('p6', 'a', 'over-share');
    audit.record('p6', 'a', 'child-busy');
    audit.record('vsphere', 'a', 'over-share');
    audit.record('p6', 'b', 'over-share');
    assert.deepEqual(sink.records.map((r) => `${r.server} ${r.client} ${r.code}`), ['p6 a over-share', 'p6 a child-busy', 'vsphere a over-share', 'p6 b over-share']);
    assert.match(sink.records[1]!.reason!, /the server had its most calls in flight/);
    for (let i = 0; i < 200; i++) audit.record('p6', `client-${i}`, 'over-share');
    const clients = new Set(sink.records.map((r) => r.client));
    assert.ok(clients.size <= 65, `self-declared client names are folded into "other" past the bound (${clients.size})`);
    assert.ok(clients.has('other'), 'the rest are counted as other');
    audit.record('p6', 'x'.repeat(1000), 'child-busy');
    audit.dispose();
    assert.ok(sink.records.every((r) => (r.client ?? '').length <= 128), 'a long client name is cut');
  });

  it('keeps a count the log has no room for and writes it later; dispose flushes and stops', () => {
    const clock = new ManualClock();
    const sink = boundedSink();
    const audit = new QueuedCallsAudit({ audit: sink, clock });
    sink.room = false;
    audit.record('p6', 'a', 'over-share');
    audit.record('p6', 'a', 'over-share');
    clock.advance(QUEUED_AUDIT_INTERVAL_MS);
    assert.equal(sink.records.length, 0, 'no room: nothing written');
    sink.room = true;
    audit.record('p6', 'a', 'over-share');
    audit.dispose();
    assert.deepEqual(sink.records.map((r) => r.count), [3], 'the kept count is written whole by dispose');
    audit.record('p6', 'a', 'over-share');
    clock.advance(QUEUED_AUDIT_INTERVAL_MS);
    assert.equal(sink.records.length, 1, 'nothing after dispose');
  });

  it('a sink without a budget gets plain appends, and a failing sink never throws to the caller', () => {
    const clock = new ManualClock();
    const records: AuditInput[] = [];
    let fail = false;
    const audit = new QueuedCallsAudit({ audit: { append: (r) => { if (fail) throw new Error('disk full'); records.push(r); } }, clock });
    audit.record('p6', 'a', 'over-share');
    assert.equal(records.length, 1);
    fail = true;
    audit.record('p6', 'b', 'over-share');
    assert.doesNotThrow(() => clock.advance(QUEUED_AUDIT_INTERVAL_MS), 'the timer does not throw');
    audit.dispose();
  });
  it('a summary says since the first wait it counts; dispose writes no empty count and needs no timer', () => {
    const clock = new ManualClock();
    const sink = boundedSink();
    assert.doesNotThrow(() => new QueuedCallsAudit({ audit: sink, clock }).dispose(), 'dispose with nothing recorded');
    const audit = new QueuedCallsAudit({ audit: sink, clock });
    audit.record('p6', 'a', 'over-share');
    clock.advance(10_000);
    const firstCounted = clock.now();
    audit.record('p6', 'a', 'over-share');
    clock.advance(10_000);
    audit.record('p6', 'a', 'over-share');
    clock.advance(QUEUED_AUDIT_INTERVAL_MS);
    assert.deepEqual(sink.records.map((r) => r.count), [1, 2]);
    assert.equal(sink.records[1]!.since, new Date(firstCounted).toISOString(), 'since: the first wait after the last record');
    audit.dispose();
    assert.equal(sink.records.length, 2, 'nothing pending: no record of count 0');
  });

  it('folds past exactly 64 tracked triples, and cuts a long client name', () => {
    const clock = new ManualClock();
    const sink = boundedSink();
    const audit = new QueuedCallsAudit({ audit: sink, clock });
    for (let i = 0; i < 100; i++) audit.record('p6', `client-${i}`, 'over-share');
    assert.equal(new Set(sink.records.map((r) => r.client)).size, 65, '64 clients, then other');
    const fresh = boundedSink();
    new QueuedCallsAudit({ audit: fresh, clock }).record('p6', 'x'.repeat(1000), 'child-busy');
    assert.equal(fresh.records[0]!.client, 'x'.repeat(128), 'cut to 128 characters');
  });

  it('a plain sink\'s written count is not counted again', () => {
    const clock = new ManualClock();
    const records: AuditInput[] = [];
    const audit = new QueuedCallsAudit({ audit: { append: (r) => void records.push(r) }, clock });
    for (let i = 0; i < 3; i++) audit.record('p6', 'a', 'over-share');
    clock.advance(QUEUED_AUDIT_INTERVAL_MS);
    clock.advance(QUEUED_AUDIT_INTERVAL_MS);
    assert.deepEqual(records.map((r) => r.count), [1, 2], 'the first at once, the other two once');
    audit.dispose();
  });
});
