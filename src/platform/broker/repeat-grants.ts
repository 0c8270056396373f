import type { Coalescer } from '../../base/coalescer.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { auditCoalescer, COALESCED_AUDIT_INTERVAL_MS, COALESCED_AUDIT_MAX_KEYS, type AuditInput, type AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';
import type { LiveSession } from './sessions.js';

/** One summary of repeated grants per server and endpoint per interval. */
export const REPEAT_GRANT_INTERVAL_MS = COALESCED_AUDIT_INTERVAL_MS;
/** (server, endpoint) pairs tracked at once; both come from the host's own config, so this is never reached in practice. */
const MAX_KEYS = COALESCED_AUDIT_MAX_KEYS;

interface Repeat {
  readonly server: string;
  readonly endpoint: string;
  readonly expiresAt: number;
}

/**
 * Audits `token.granted` so that a child re-asking for the token it already holds cannot
 * flood the log (Y2-auditflood; D191's "left"). The first grant of a session to a (server,
 * endpoint) is written in full, as is the first after anything changed: a new session (new
 * login, renew, lock, expiry, edit) or a denial in between. Grants of that same session
 * again are counted and written as one `token.granted` record with `count`, `since` and
 * `last` per interval (through `appendBounded`, so never rotating real history out).
 * Our own runtime re-asks too (a grant re-asked before expiry, one per tool call in some
 * paths), so this also keeps normal use quiet.
 */
export class RepeatGrants implements Disposable {
  /** The session last granted in full to each (server, endpoint), by a number: no token is kept alive here. */
  private readonly last = new Map<string, number>();
  private readonly ids = new WeakMap<LiveSession, number>();
  private nextId = 1;
  private readonly coalescer: Coalescer<Repeat>;

  constructor(private readonly deps: { readonly audit: AuditSink; readonly clock: Clock; readonly intervalMs?: number }) {
    // A log that cannot be written stops the host on its own (D175); the grant stands.
    this.coalescer = auditCoalescer<Repeat>(deps.audit, deps.clock, {
      intervalMs: deps.intervalMs,
      // The first grant of the session was written in full; only the summary is left to write.
      leading: false,
      key: (r) => keyOf(r.server, r.endpoint),
      fold: (r) => ({ ...r, server: 'other', endpoint: 'other' }),
      record: ({ item, count, since, last }) => ({
        event: 'token.granted', endpoint: item.endpoint, server: item.server, outcome: 'ok',
        reason: 'repeated requests served the token already granted', expiresAt: new Date(item.expiresAt).toISOString(),
        count, since: new Date(since).toISOString(), last: new Date(last).toISOString(),
      }),
    });
  }

  /** `session` was granted to `server`: write `record` in full when it is new to the pair, else count it. */
  granted(server: string, session: LiveSession, record: AuditInput): void {
    const key = keyOf(server, session.endpoint);
    let id = this.ids.get(session);
    if (id === undefined) this.ids.set(session, (id = this.nextId++));
    if (this.last.get(key) === id) {
      this.coalescer.record({ server, endpoint: session.endpoint, expiresAt: session.expiresAt });
      return;
    }
    // Something changed: the repeats of the old session are written first, so the log keeps its order.
    this.coalescer.forget(key);
    if (this.last.size >= MAX_KEYS * 4) this.last.clear();
    this.last.set(key, id);
    this.deps.audit.append(record);
  }

  /** A request of `server` for `endpoint` was denied: the next grant is written in full. */
  denied(server: string, endpoint: string): void {
    const key = keyOf(server, endpoint);
    this.last.delete(key);
    this.coalescer.forget(key);
  }

  /** Write the repeats still counted (the host is stopping). */
  dispose(): void {
    this.coalescer.dispose();
    this.last.clear();
  }
}

const keyOf = (server: string, endpoint: string): string => `${server}\n${endpoint}`;
