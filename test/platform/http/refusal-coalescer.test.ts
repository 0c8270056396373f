import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import type { AuditInput, AuditSink } from '../../../src/platform/ports/audit-sink.js';
import { RefusalCoalescer } from '../../../src/platform/http/refusal-coalescer.js';
import { ManualClock } from '../../mocks/manual-clock.js';

/** A sink with a budget like AuditLog's: `room` coalesced records, then refusals until refilled. */
class BudgetSink implements AuditSink {
  readonly written: AuditInput[] = [];
  room = Infinity;
  append(): void {
    throw new Error('coalesced records must go through appendBounded');
  }
  appendBounded(record: AuditInput): AuditRecord | undefined {
    if (this.room <= 0) return undefined;
    this.room--;
    this.written.push(record);
    return { ...record, ts: '2026-11-24T10:00:00.000Z' };
  }
  counts(): Array<[string | undefined, string | undefined, number | undefined]> {
    return this.written.map((r) => [r.code, r.reason, r.count]);
  }
}

function make(over: { maxKeys?: number } = {}) {
  const clock = new ManualClock();
  const audit = new BudgetSink();
  const errors: unknown[] = [];
  const coalescer = new RefusalCoalescer({ audit, clock, onError: (e) => errors.push(e), ...over });
  return { clock, audit, coalescer, errors };
}

describe('RefusalCoalescer', () => {
  it('writes one summary per interval under a steady flood, and forgets a pair after a quiet interval', () => {
    const { clock, audit, coalescer } = make();
    for (let minute = 0; minute < 3; minute++) {
      for (let i = 0; i < 1000; i++) coalescer.record('bad_origin', '127.0.0.1', 'Origin https://evil.example');
      clock.advance(60_000);
    }
    assert.deepEqual(audit.written.map((r) => r.count), [1, 999, 1000, 1000]);
    clock.advance(60_000);
    assert.equal(clock.pendingTimers, 0);
    coalescer.record('bad_origin', '127.0.0.1');
    assert.equal(audit.written.at(-1)?.count, 1, 'a new interval starts with an immediate record');
    coalescer.dispose();
  });

  it('keeps the count when the log has no room, and writes it once there is', () => {
    const { clock, audit, coalescer } = make();
    audit.room = 0;
    for (let i = 0; i < 50; i++) coalescer.record('no_api_key', '127.0.0.1');
    clock.advance(60_000);
    assert.deepEqual(audit.written, []);
    audit.room = 10;
    clock.advance(60_000);
    assert.deepEqual(audit.counts(), [['no_api_key', 'http from 127.0.0.1', 50]], 'nothing counted was lost');
    coalescer.dispose();
  });

  it('folds sources beyond maxKeys into "other", so many addresses cannot mean many records', () => {
    const { clock, audit, coalescer } = make({ maxKeys: 2 });
    for (let i = 0; i < 100; i++) coalescer.record('bad_host', `127.0.0.${i + 1}`, 'Host evil.example');
    clock.advance(60_000);
    const total = audit.written.reduce((n, r) => n + (r.count ?? 0), 0);
    assert.equal(total, 100);
    assert.deepEqual(new Set(audit.written.map((r) => r.reason?.split(':')[0])), new Set(['http from 127.0.0.1', 'http from 127.0.0.2', 'http from other']));
    assert.ok(audit.written.length <= 4, `${audit.written.length} records`);
    coalescer.dispose();
  });

  // Z6-redteam: a flood fills the table with one kind from many sources; the first refusal of
  // another kind (the one that matters: a new attack) must still be written at once, not hidden
  // in "other"'s count until the summary. Held: the fold keeps the reason in the key.
  it('writes the first refusal of a new kind at once while a flood of another kind fills the table', () => {
    const { clock, audit, coalescer } = make();
    for (let i = 0; i < 5000; i++) coalescer.record('bad_host', `127.0.${i >> 8}.${i & 255}`, 'Host evil.example');
    const before = audit.written.length;
    coalescer.record('bad_api_key', '127.9.9.9');
    assert.deepEqual(audit.counts().slice(before), [['bad_api_key', 'http from other', 1]], 'the new kind is written at once, with count 1');
    coalescer.record('bad_api_key', '127.9.9.10');
    assert.equal(audit.written.length, before + 1, 'its repeats wait for the summary');
    clock.advance(60_000);
    assert.ok(audit.written.length <= before + 3, `at most a summary per kind after the interval: ${audit.written.length - before}`);
    coalescer.dispose();
  });

  it('writes what is pending on dispose and audits nothing after it', () => {
    const { clock, audit, coalescer } = make();
    coalescer.record('bad_api_key', '127.0.0.1');
    coalescer.record('bad_api_key', '127.0.0.1');
    coalescer.dispose();
    coalescer.record('shutting_down', '127.0.0.1');
    assert.deepEqual(audit.written.map((r) => [r.code, r.count]), [['bad_api_key', 1], ['bad_api_key', 1]]);
    assert.equal(clock.pendingTimers, 0);
  });
});
