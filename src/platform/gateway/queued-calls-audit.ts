import type { Coalescer } from '../../base/coalescer.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { auditCoalescer, COALESCED_AUDIT_INTERVAL_MS, type AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';
import type { QueuedReason } from './fair-share.js';

/** One summary per server, client and reason per interval. */
export const QUEUED_AUDIT_INTERVAL_MS = COALESCED_AUDIT_INTERVAL_MS;
/** Longest client name copied into a record (self-declared by the client). */
const MAX_CLIENT = 128;

interface Queued {
  readonly server: string;
  readonly client: string;
  readonly reason: QueuedReason;
}

const TEXT: Record<QueuedReason, string> = {
  'over-share': 'calls waited: the client (or this session of it) already had its share of the server in flight',
  'child-busy': 'calls waited: the server had its most calls in flight',
  'queue-full': 'calls refused: the client (or this session of it) already had the most calls waiting for the server',
};

/**
 * Audits calls that waited for a place at their child (FairShare, D183) as
 * `gateway.queued`, coalesced like the HTTP door's refusals (the one Coalescer,
 * base/coalescer.ts; issue 10 item 4): a client that floods queues thousands of calls, which
 * must not mean thousands of records. The first wait of a (server, client, reason) in an
 * interval is written at once with `count: 1`; the rest are counted and written as one record
 * with `count` and `since` when the interval ends, through `appendBounded` where the sink has
 * it, so these records can never rotate real history out.
 */
export class QueuedCallsAudit implements Disposable {
  private readonly coalescer: Coalescer<Queued>;

  constructor(options: { readonly audit: AuditSink; readonly clock: Clock; readonly intervalMs?: number }) {
    // A log that cannot be written stops the host on its own (D175); the call waits on regardless.
    this.coalescer = auditCoalescer<Queued>(options.audit, options.clock, {
      intervalMs: options.intervalMs,
      // (server, client, reason) triples tracked at once: COALESCED_AUDIT_MAX_KEYS; more are folded into client `other`.
      key: (q) => `${q.server}\n${q.client}\n${q.reason}`,
      // Security: self-declared client names are unbounded in number; the records are not.
      fold: (q) => ({ ...q, client: 'other' }),
      record: ({ item, count, since }) => ({ event: item.reason === 'queue-full' ? 'gateway.rejected' : 'gateway.queued', server: item.server, client: item.client, code: item.reason, reason: TEXT[item.reason], count, since: new Date(since).toISOString() }),
    });
  }

  /** Count one call of `client` on `server` that had to wait. */
  record(server: string, client: string, reason: QueuedReason): void {
    this.coalescer.record({ server, client: client.slice(0, MAX_CLIENT), reason });
  }

  /** Write what is pending; later waits are not audited (the gateway is stopping). */
  dispose(): void {
    this.coalescer.dispose();
  }
}
