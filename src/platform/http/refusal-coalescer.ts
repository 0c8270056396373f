import type { Coalescer, CoalescedCount } from '../../base/coalescer.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { auditCoalescer, COALESCED_AUDIT_INTERVAL_MS, type AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';
import type { HttpRejectionReason } from './http-rejection.js';

/** How a RefusalCoalescer is built. */
export interface RefusalCoalescerOptions {
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** One summary per reason and source per interval; default 60 s. */
  readonly intervalMs?: number;
  /** Distinct (reason, source) pairs tracked at once; more are folded into source `other`. Default 64. */
  readonly maxKeys?: number;
  /** An audit write failed (the log is closed or the disk full); the refusal itself stands. */
  readonly onError: (error: unknown) => void;
}

interface Refusal {
  readonly reason: HttpRejectionReason;
  readonly source: string;
  /** The Host or Origin of the first refusal counted, so the user can tell what to allow. */
  readonly detail: string | undefined;
}

/** The default interval: one summary per reason and source a minute. */
export const REFUSAL_INTERVAL_MS = COALESCED_AUDIT_INTERVAL_MS;
/** Longest Host or Origin value copied into an audit reason. */
const MAX_DETAIL = 200;

/**
 * Audits refusals that can come in floods (issue 10 item 4): requests refused before
 * authentication (bad Host, Origin or key; over the unauthenticated budget) and rate-limited
 * ones. The first refusal of a (reason, source) pair in an interval is written at once with
 * `count: 1`; the rest are counted and written as one record with `count` and `since` when
 * the interval ends. So a flood costs at most about one record per pair per interval, and
 * the pairs are bounded by `maxKeys` (the one Coalescer, base/coalescer.ts).
 *
 * Records go through `AuditSink.appendBounded` where the sink has it (the AuditLog): when the
 * log's budget for coalesced records is spent, the count is kept and written later instead,
 * and real history is never rotated out to make room.
 */
export class RefusalCoalescer implements Disposable {
  private readonly coalescer: Coalescer<Refusal>;

  constructor(options: RefusalCoalescerOptions) {
    this.coalescer = auditCoalescer<Refusal>(options.audit, options.clock, {
      intervalMs: options.intervalMs,
      maxKeys: options.maxKeys,
      key: (r) => `${r.reason} ${r.source}`,
      // Security: many sources (127.0.0.0/8 has millions) must not mean many records.
      fold: (r) => ({ ...r, source: 'other' }),
      record: recordOf,
      onError: options.onError,
    });
  }

  /** Count one refusal of `reason` from `source` (a remote address); `detail` is the offending Host or Origin. */
  record(reason: HttpRejectionReason, source: string, detail?: string): void {
    this.coalescer.record({ reason, source, detail });
  }

  /** Write every pending count now (the door is closing). */
  flush(): void {
    this.coalescer.flush();
  }

  /** Write what is pending; later refusals are no longer audited (the door is closing). */
  dispose(): void {
    this.coalescer.dispose();
  }
}

function recordOf({ item, count, since }: CoalescedCount<Refusal>) {
  const detail = item.detail === undefined ? '' : `: ${item.detail.slice(0, MAX_DETAIL)}`;
  // Security: never a credential; `detail` is a Host or Origin header, never a key.
  return { event: 'gateway.rejected', outcome: 'denied', code: item.reason, reason: `http from ${item.source}${detail}`, count, since: new Date(since).toISOString() } as const;
}
