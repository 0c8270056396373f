import type { Coalescer } from '../../base/coalescer.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { auditCoalescer, type AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';

/**
 * A renew of the current token logs in again at most once per credential and endpoint in
 * this long (D214). A real 401 (upstream restart, session ended by an admin) is
 * renewed at once; a second one within the window gets the session the first one made.
 */
export const FORCED_RELOGIN_WINDOW_MS = 60_000;
/** (credential, endpoint) pairs remembered at once; both come from the host's own config. */
const MAX_KEYS = 64;

interface Held {
  readonly server: string;
  readonly endpoint: string;
}

/**
 * Security: tells a renew storm from a real 401 (Z3-renew; D202's "left"). A child renewing
 * the token that is still the current one says the upstream refused it; the broker logs out
 * and in again (an upstream login, three audit lines). A compromised child could loop on
 * that: logins against vCenter or P6 (their event logs, lock-out policies) and audit growth.
 * So the first such renew of a (credential, endpoint) logs in again at once, and any other
 * within FORCED_RELOGIN_WINDOW_MS of it is served the session that login made (concurrent
 * ones join the login itself, Sessions' single flight), written as one coalesced
 * `token.granted` record per (server, endpoint) and minute. Any other end of the session
 * (lock, expiry, edit) forgets the window: the next session's first renew logs in at once.
 */
export class ForcedRelogins implements Disposable {
  /** When the last forced re-login of each (credential, endpoint) started. */
  private readonly last = new Map<string, number>();
  private readonly coalescer: Coalescer<Held>;

  constructor(private readonly deps: { readonly audit: AuditSink; readonly clock: Clock; readonly windowMs?: number }) {
    // A log that cannot be written stops the host on its own (D175); the grant stands.
    this.coalescer = auditCoalescer<Held>(deps.audit, deps.clock, {
      intervalMs: this.windowMs(),
      maxKeys: MAX_KEYS,
      key: (r) => `${r.server}\n${r.endpoint}`,
      fold: () => ({ server: 'other', endpoint: 'other' }),
      record: ({ item, count, since, last }) => ({
        event: 'token.granted', endpoint: item.endpoint, server: item.server, outcome: 'ok',
        reason: `renews of the current token within ${this.windowMs() / 1000} s of its last re-login: served that login's session, no new login`,
        count, since: new Date(since).toISOString(), last: new Date(last).toISOString(),
      }),
    });
  }

  /**
   * A renew of the current session of `endpoint` (of `credential`) arrived: true when it may
   * log in again now (and the window starts), false when one did within the window.
   */
  mayRelogin(credential: string, endpoint: string): boolean {
    const key = `${credential}\n${endpoint}`;
    const now = this.deps.clock.now();
    const last = this.last.get(key);
    // Stryker disable next-line ConditionalExpression: equivalent; without it `now - undefined` is NaN, never below the window.
    if (last !== undefined && now - last < this.windowMs()) return false;
    if (this.last.size >= MAX_KEYS) this.last.clear();
    this.last.set(key, now);
    return true;
  }

  /** A renew held back by the window was served the current session: count it for the audit. */
  held(server: string, endpoint: string): void {
    this.coalescer.record({ server, endpoint });
  }

  /** The session of `endpoint` ended for another reason than a renew (lock, expiry, edit): its next renew logs in at once. */
  forget(credential: string, endpoint: string): void {
    this.last.delete(`${credential}\n${endpoint}`);
  }

  /** Write the counts still pending (the host is stopping). */
  dispose(): void {
    this.coalescer.dispose();
    this.last.clear();
  }

  private windowMs(): number {
    return this.deps.windowMs ?? FORCED_RELOGIN_WINDOW_MS;
  }
}
