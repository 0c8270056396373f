import type { Coalescer } from '../../base/coalescer.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { auditCoalescer, type AuditSink } from '../ports/audit-sink.js';
import { monotonicNow, type Clock } from '../ports/clock.js';

/**
 * A renew of the current token logs in again at most once per credential and endpoint in
 * this long (D214). A real 401 (upstream restart, session ended by an admin) is
 * renewed at once; a second one within the window gets the session the first one made.
 */
export const FORCED_RELOGIN_WINDOW_MS = 60_000;
/** (credential, endpoint) pairs remembered at once; both come from the host's own config. */
const MAX_KEYS = 64;
/**
 * Re-logins within a window after its first, each only for a session its upstream says is dead
 * (vSphere's check; D232): a session that dies twice or three times a minute is
 * renewed each time, while a child that ends its own session in a loop (it holds the token, so
 * it can) drives at most this many more logins a window.
 */
export const PROVEN_DEAD_RELOGINS = 2;
/** How long the upstream's "alive" answer stands for more renews of the same session. */
export const LIVENESS_REUSE_MS = 10_000;

/** The one liveness check of a session, shared by the renews that ask while it runs or stands. */
interface Check {
  readonly session: object;
  readonly answer: Promise<boolean>;
  /** When it was answered, in monotonic time; undefined while it runs. */
  at: number | undefined;
}

/** A held session and how to ask its upstream whether it still lives (Sessions.liveness). */
export interface Liveness {
  readonly session: object;
  alive(): Promise<boolean>;
}

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
  /** When the last forced re-login of each (credential, endpoint) started, in monotonic time (monotonicNow). */
  private readonly last = new Map<string, number>();
  /** Re-logins of proven-dead sessions within the current window, and the last liveness check, by pair. */
  private readonly provenDeadCount = new Map<string, number>();
  private readonly checks = new Map<string, Check>();
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
    // Security (E3-tidy): monotonic time: a step of the wall clock neither ends the window early nor lengthens it.
    const now = monotonicNow(this.deps.clock);
    const last = this.last.get(key);
    // Stryker disable next-line ConditionalExpression: equivalent; without it `now - undefined` is NaN, never below the window.
    if (last !== undefined && now - last < this.windowMs()) return false;
    if (this.last.size >= MAX_KEYS) this.last.clear();
    this.last.set(key, now);
    this.provenDeadCount.delete(key);
    return true;
  }

  /**
   * A renew of the current session arrived within the window (mayRelogin said no): true when it
   * may log in again all the same, because the upstream says `liveness.session` is dead and the
   * window has not had {@link PROVEN_DEAD_RELOGINS} such re-logins yet. The check is coalesced:
   * renews asking while it runs share it, and an "alive" answer stands {@link LIVENESS_REUSE_MS}
   * for that session, so a storm of renews is a handful of reads, not one each. A check that
   * fails (unreachable, timed out) proves nothing: the renew is held as before.
   */
  async provenDead(credential: string, endpoint: string, liveness: Liveness): Promise<boolean> {
    const key = `${credential}\n${endpoint}`;
    let check = this.checks.get(key);
    // Stryker disable next-line ConditionalExpression: equivalent; while a check runs `now - undefined` is NaN, never past the reuse time.
    if (!check || check.session !== liveness.session || (check.at !== undefined && monotonicNow(this.deps.clock) - check.at >= LIVENESS_REUSE_MS)) {
      // The allowance is spent: no check, and the renew is held as before.
      if ((this.provenDeadCount.get(key) ?? 0) >= PROVEN_DEAD_RELOGINS) return false;
      const fresh: Check = {
        session: liveness.session,
        at: undefined,
        answer: liveness.alive().catch(() => true).then((alive) => {
          fresh.at = monotonicNow(this.deps.clock);
          // Counted once per dead session, however many renews share the answer (they join one login).
          if (!alive) this.provenDeadCount.set(key, (this.provenDeadCount.get(key) ?? 0) + 1);
          return alive;
        }),
      };
      if (this.checks.size >= MAX_KEYS) this.checks.clear();
      this.checks.set(key, fresh);
      check = fresh;
    }
    return !(await check.answer);
  }

  /** A renew held back by the window was served the current session: count it for the audit. */
  held(server: string, endpoint: string): void {
    this.coalescer.record({ server, endpoint });
  }

  /** The session of `endpoint` ended for another reason than a renew (lock, expiry, edit): its next renew logs in at once. */
  forget(credential: string, endpoint: string): void {
    const key = `${credential}\n${endpoint}`;
    this.last.delete(key);
    this.provenDeadCount.delete(key);
    this.checks.delete(key);
  }

  /** Write the counts still pending (the host is stopping). */
  dispose(): void {
    this.coalescer.dispose();
    this.last.clear();
    this.provenDeadCount.clear();
    this.checks.clear();
  }

  private windowMs(): number {
    return this.deps.windowMs ?? FORCED_RELOGIN_WINDOW_MS;
  }
}
