import type { Coalescer } from '../../base/coalescer.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { auditCoalescer, COALESCED_AUDIT_INTERVAL_MS, type AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';

/** One summary per server and endpoint per interval. */
export const COOL_DOWN_AUDIT_INTERVAL_MS = COALESCED_AUDIT_INTERVAL_MS;

interface Refusal {
  readonly server: string;
  readonly endpoint: string;
}

/**
 * Audits the requests refused without a prompt in a deny's cool-down (Consent,
 * DENY_COOLDOWN_MS) as `token.denied`, coalesced (the one Coalescer): the first of a
 * (server, endpoint) in an interval at once with `count: 1`, the rest as one record with
 * `count`, `since` and `last`, through `appendBounded`, so a child asking in a loop after
 * the person said no cannot flood the log either.
 */
export class CoolDownRefusals implements Disposable {
  private readonly coalescer: Coalescer<Refusal>;

  constructor(deps: { readonly audit: AuditSink; readonly clock: Clock; readonly intervalMs?: number }) {
    // A log that cannot be written stops the host on its own (D175); the refusal stands.
    this.coalescer = auditCoalescer<Refusal>(deps.audit, deps.clock, {
      intervalMs: deps.intervalMs,
      // (server, endpoint) pairs tracked at once: COALESCED_AUDIT_MAX_KEYS; both come from the host's own config.
      key: (r) => `${r.server}\n${r.endpoint}`,
      fold: () => ({ server: 'other', endpoint: 'other' }),
      record: ({ item, count, since, last }) => ({
        event: 'token.denied', endpoint: item.endpoint, server: item.server, outcome: 'denied', code: 'denied',
        reason: 'refused without a prompt: the user denied this access a moment ago (cool-down)',
        count, since: new Date(since).toISOString(), last: new Date(last).toISOString(),
      }),
    });
  }

  /** Count one request of `server` for `endpoint` refused in a cool-down. */
  record(server: string, endpoint: string): void {
    this.coalescer.record({ server, endpoint });
  }

  /** Write what is counted (the host is stopping). */
  dispose(): void {
    this.coalescer.dispose();
  }
}
