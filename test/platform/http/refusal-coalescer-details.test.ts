// RefusalCoalescer details that mutation testing showed unguarded (issue 12): the record's
// text and `since`, the detail of the first refusal of an interval, a sink without
// appendBounded, a failing sink, and the default interval and number of pairs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditInput, AuditSink } from '../../../src/platform/ports/audit-sink.js';
import { REFUSAL_INTERVAL_MS, RefusalCoalescer } from '../../../src/platform/http/refusal-coalescer.js';
import { ManualClock } from '../../mocks/manual-clock.js';

/** A plain sink (no appendBounded), as a test or a simple host would pass; `fail` makes it throw. */
class PlainSink implements AuditSink {
  readonly written: AuditInput[] = [];
  fail: Error | undefined;
  append(record: AuditInput): void {
    if (this.fail) throw this.fail;
    this.written.push(record);
  }
}

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);

describe('RefusalCoalescer details', () => {
  it('writes the reason, source, detail, count and since of each record', () => {
    const clock = new ManualClock(T0);
    const audit = new PlainSink();
    const coalescer = new RefusalCoalescer({ audit, clock, onError: (e) => assert.fail(String(e)) });
    coalescer.record('bad_origin', '127.0.0.1', 'Origin https://first.example');
    clock.advance(10_000);
    coalescer.record('bad_origin', '127.0.0.1', 'Origin https://second.example');
    clock.advance(10_000);
    coalescer.record('bad_origin', '127.0.0.1', 'Origin https://third.example');
    coalescer.record('no_api_key', '127.0.0.2');
    clock.advance(40_000);
    assert.deepEqual(audit.written, [
      { event: 'gateway.rejected', outcome: 'denied', code: 'bad_origin', reason: 'http from 127.0.0.1: Origin https://first.example', count: 1, since: new Date(T0).toISOString() },
      { event: 'gateway.rejected', outcome: 'denied', code: 'no_api_key', reason: 'http from 127.0.0.2', count: 1, since: new Date(T0 + 20_000).toISOString() },
      // The summary: since and detail of the first refusal it counts, not of the interval's first.
      { event: 'gateway.rejected', outcome: 'denied', code: 'bad_origin', reason: 'http from 127.0.0.1: Origin https://second.example', count: 2, since: new Date(T0 + 10_000).toISOString() },
    ]);
    coalescer.dispose();
  });

  it('cuts a long Host or Origin to 200 characters', () => {
    const audit = new PlainSink();
    const coalescer = new RefusalCoalescer({ audit, clock: new ManualClock(T0), onError: () => {} });
    coalescer.record('bad_host', '127.0.0.1', `Host ${'h'.repeat(300)}`);
    assert.equal(audit.written[0]?.reason, `http from 127.0.0.1: Host ${'h'.repeat(195)}`);
    coalescer.dispose();
  });

  it('reports a failing sink, keeps the count, and writes it once the sink works again', () => {
    const clock = new ManualClock(T0);
    const audit = new PlainSink();
    const errors: unknown[] = [];
    const coalescer = new RefusalCoalescer({ audit, clock, onError: (e) => errors.push(e) });
    audit.fail = new Error('disk full');
    coalescer.record('no_api_key', '127.0.0.1');
    coalescer.record('no_api_key', '127.0.0.1');
    assert.deepEqual(errors, [audit.fail]);
    audit.fail = undefined;
    clock.advance(REFUSAL_INTERVAL_MS);
    assert.deepEqual(audit.written.map((r) => r.count), [2], 'nothing counted was lost');
    coalescer.dispose();
  });

  it('summarises every 60 s by default, or every intervalMs', () => {
    assert.equal(REFUSAL_INTERVAL_MS, 60_000);
    for (const [intervalMs, every] of [[undefined, 60_000], [5_000, 5_000]] as const) {
      const clock = new ManualClock(T0);
      const audit = new PlainSink();
      const coalescer = new RefusalCoalescer({ audit, clock, onError: () => {}, ...(intervalMs ? { intervalMs } : {}) });
      coalescer.record('no_api_key', '127.0.0.1');
      coalescer.record('no_api_key', '127.0.0.1');
      clock.advance(every - 1);
      assert.equal(audit.written.length, 1, `${every}: not yet`);
      clock.advance(1);
      assert.deepEqual(audit.written.map((r) => r.count), [1, 1], `${every}: the summary`);
      coalescer.dispose();
    }
  });

  it('tracks 64 pairs by default; the 65th source is folded into "other"', () => {
    const audit = new PlainSink();
    const coalescer = new RefusalCoalescer({ audit, clock: new ManualClock(T0), onError: () => {} });
    for (let i = 1; i <= 65; i++) coalescer.record('bad_host', `127.0.0.${i}`);
    assert.equal(audit.written.length, 65);
    assert.equal(audit.written[63]?.reason, 'http from 127.0.0.64');
    assert.equal(audit.written[64]?.reason, 'http from other');
    coalescer.dispose();
  });

  it('keeps counting a pair already tracked once the table is full', () => {
    const clock = new ManualClock(T0);
    const audit = new PlainSink();
    const coalescer = new RefusalCoalescer({ audit, clock, onError: () => {}, maxKeys: 1 });
    coalescer.record('bad_host', '127.0.0.1');
    coalescer.record('bad_host', '127.0.0.2');
    coalescer.record('bad_host', '127.0.0.1');
    clock.advance(REFUSAL_INTERVAL_MS);
    assert.deepEqual(audit.written.map((r) => [r.reason, r.count]), [
      ['http from 127.0.0.1', 1],
      ['http from other', 1],
      ['http from 127.0.0.1', 1],
    ]);
    coalescer.dispose();
  });
});
