import { Coalescer, type CoalescedCount } from '../../base/coalescer.js';
import type { AuditRecord, ToolCallFields } from '../../base/contracts/audit-event.js';
import type { Clock } from './clock.js';

/** One audit line as the broker writes it; the sink stamps `ts`. */
export type AuditInput = Omit<AuditRecord, 'ts'>;

/** Where the broker's audit lines go (platform/audit AuditLog in the host, an array in tests). */
export interface AuditSink {
  append(record: AuditInput): void;
  /**
   * Append a `tool.called` record: the same record and line as `append({ event: 'tool.called',
   * ...fields })`, built from a template without the generic record's walk (issue 17, the
   * gateway's per-call CPU). Sinks without it (test arrays) leave it out: callers then `append`.
   */
  appendCall?(fields: ToolCallFields): void;
  /**
   * Write a coalesced record (one with `count`) only if the log's budget for such records
   * has room, so they can never displace other history; the record as written, undefined
   * when it was not. Sinks without a budget (test arrays) leave it out: callers then `append`.
   */
  appendBounded?(record: AuditInput): AuditRecord | undefined;
}

/**
 * Write a coalesced record (one with `count`): through `appendBounded` where the sink has it,
 * so it can never rotate real history out (D47). False when the sink had no room: the caller
 * keeps the count for later.
 */
export function appendCoalesced(audit: AuditSink, record: AuditInput): boolean {
  if (audit.appendBounded) return audit.appendBounded(record) !== undefined;
  audit.append(record);
  return true;
}

/** The default interval of an {@link auditCoalescer}: one summary per key a minute. */
export const COALESCED_AUDIT_INTERVAL_MS = 60_000;
/** The default number of keys an {@link auditCoalescer} tracks at once. */
export const COALESCED_AUDIT_MAX_KEYS = 64;

/** How an {@link auditCoalescer} is built: what to count and the record a count is written as. */
export interface AuditCoalescerOptions<T> {
  /** At most one summary per key per interval; default COALESCED_AUDIT_INTERVAL_MS. */
  readonly intervalMs?: number | undefined;
  /** Keys tracked at once, default COALESCED_AUDIT_MAX_KEYS; a new key past this many is `fold`ed. */
  readonly maxKeys?: number | undefined;
  /** The key an item is counted under. */
  readonly key: (item: T) => string;
  /** The item a new key is replaced with once `maxKeys` are tracked (one key shared by all folded items). */
  readonly fold: (item: T) => T;
  /** The audit record one count is written as (it carries `count`, and `since`/`last` as it needs). */
  readonly record: (count: CoalescedCount<T>) => AuditInput;
  /** As in CoalescerOptions: false when the caller has written the first event in full already. */
  readonly leading?: boolean;
  /** A write that threw; default: nothing (a log that cannot be written stops the host on its own, D175; what was counted stands). */
  readonly onError?: (error: unknown) => void;
}

/**
 * The one Coalescer (D204) writing to `audit` with `appendCoalesced`, on `clock`: what every
 * floodable audit record (HTTP refusals, queued calls, repeated grants, cool-down refusals,
 * renews held back by the forced re-login window)
 * is counted with, so each of them says only what it counts and what it writes.
 */
export function auditCoalescer<T>(audit: AuditSink, clock: Clock, options: AuditCoalescerOptions<T>): Coalescer<T> {
  const { record, onError = () => {} } = options;
  return new Coalescer<T>({
    clock,
    intervalMs: options.intervalMs ?? COALESCED_AUDIT_INTERVAL_MS,
    maxKeys: options.maxKeys ?? COALESCED_AUDIT_MAX_KEYS,
    keyOf: options.key,
    fold: options.fold,
    leading: options.leading ?? true,
    write: (count) => appendCoalesced(audit, record(count)),
    onError,
  });
}
