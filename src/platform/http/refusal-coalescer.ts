import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { AuditInput, AuditSink } from '../ports/audit-sink.js';
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

interface Tally {
  readonly reason: HttpRejectionReason;
  readonly source: string;
  /** The Host or Origin of the first refusal counted, so the user can tell what to allow. */
  detail: string | undefined;
  /** Refusals counted and not yet written. */
  pending: number;
  /** Clock time of the first of them. */
  since: number;
  /** A record for this pair went out in the current interval; later ones wait for the summary. */
  reported: boolean;
}

/** The default interval: one summary per reason and source a minute. */
export const REFUSAL_INTERVAL_MS = 60_000;
/** Longest Host or Origin value copied into an audit reason. */
const MAX_DETAIL = 200;

/**
 * Audits refusals that can come in floods (issue 10 item 4): requests refused before
 * authentication (bad Host, Origin or key; over the unauthenticated budget) and rate-limited
 * ones. The first refusal of a (reason, source) pair in an interval is written at once with
 * `count: 1`; the rest are counted and written as one record with `count` and `since` when
 * the interval ends. So a flood costs at most about one record per pair per interval, and
 * the pairs are bounded by `maxKeys`.
 *
 * Records go through `AuditSink.appendBounded` where the sink has it (the AuditLog): when the
 * log's budget for coalesced records is spent, the count is kept and written later instead,
 * and real history is never rotated out to make room.
 */
export class RefusalCoalescer implements Disposable {
  private readonly tallies = new Map<string, Tally>();
  private timer: Disposable | undefined;
  private readonly intervalMs: number;
  private readonly maxKeys: number;
  private disposed = false;

  constructor(private readonly options: RefusalCoalescerOptions) {
    this.intervalMs = options.intervalMs ?? REFUSAL_INTERVAL_MS;
    this.maxKeys = options.maxKeys ?? 64;
  }

  /** Count one refusal of `reason` from `source` (a remote address); `detail` is the offending Host or Origin. */
  record(reason: HttpRejectionReason, source: string, detail?: string): void {
    // After dispose the audit may be closed: the door is answering its last requests.
    if (this.disposed) return;
    let key = `${reason} ${source}`;
    let tally = this.tallies.get(key);
    if (!tally && this.tallies.size >= this.maxKeys) {
      // Security: many sources (127.0.0.0/8 has millions) must not mean many records.
      source = 'other';
      key = `${reason} ${source}`;
      tally = this.tallies.get(key);
    }
    if (!tally) {
      tally = { reason, source, detail, pending: 0, since: this.options.clock.now(), reported: false };
      this.tallies.set(key, tally);
    }
    if (tally.pending === 0) {
      tally.since = this.options.clock.now();
      tally.detail = detail;
    }
    tally.pending += 1;
    if (!tally.reported) {
      tally.reported = true;
      this.write(tally);
    }
    this.arm();
  }

  /** Write every pending count now (the door is closing). */
  flush(): void {
    for (const tally of this.tallies.values()) if (tally.pending > 0) this.write(tally);
    this.tallies.clear();
    this.timer?.dispose();
    this.timer = undefined;
  }

  /** Write what is pending; later refusals are no longer audited (the door is closing). */
  dispose(): void {
    this.flush();
    this.disposed = true;
  }

  private arm(): void {
    this.timer ??= this.options.clock.setTimer(this.intervalMs, () => this.tick());
  }

  /** End of an interval: a summary per pair with refusals pending; pairs quiet for a whole interval are forgotten. */
  private tick(): void {
    this.timer = undefined;
    for (const [key, tally] of this.tallies) {
      if (tally.pending === 0) this.tallies.delete(key);
      else this.write(tally);
    }
    if (this.tallies.size > 0) this.arm();
  }

  private write(tally: Tally): void {
    const since = new Date(tally.since).toISOString();
    const detail = tally.detail === undefined ? '' : `: ${tally.detail.slice(0, MAX_DETAIL)}`;
    // Security: never a credential; `detail` is a Host or Origin header, never a key.
    const record: AuditInput = { event: 'gateway.rejected', outcome: 'denied', code: tally.reason, reason: `http from ${tally.source}${detail}`, count: tally.pending, since };
    try {
      const { audit } = this.options;
      const written = audit.appendBounded ? audit.appendBounded(record) !== undefined : (audit.append(record), true);
      if (written) tally.pending = 0;
    } catch (e) {
      this.options.onError(e);
    }
  }
}
