import type { Config } from '../../base/contracts/config.js';
import type { EndpointKind } from '../../base/contracts/names.js';
import type { EndpointStatus } from '../../base/contracts/broker-status.js';
import type { EndpointSummary } from '../../base/contracts/token-protocol.js';
import { DisposableBase, toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';
import type { Keychain } from '../keychain/keychain.js';
import type { Approver } from '../approvals/approver.js';
import type { AuditSink } from '../ports/audit-sink.js';
import { LockTargetNotFoundError } from './broker-errors.js';
import type { ChildLink } from './child-link.js';
import type { Clock } from '../ports/clock.js';
import { upstreamHost } from '../../base/upstream-hosts.js';
import { Consent } from './consent.js';
import { boundedWait } from './bounded-wait.js';
import { acceptBrokerFrame } from './frame-intake.js';
import { sameUpstreamLogin } from './same-upstream-login.js';
import { Sessions, type LogoutOutcome } from './sessions.js';
import { RepeatGrants } from './repeat-grants.js';
import { CoolDownRefusals } from './cool-down-refusals.js';
import { ForcedRelogins } from './forced-relogins.js';
import { TokenService } from './token-service.js';
import { UnlockCache } from './unlock-cache.js';
import type { UpstreamLogin } from './upstream-login.js';
import crypto from 'node:crypto';

/**
 * How long `lock` and `reload` wait for upstream logouts before answering anyway
 * (issue 10 item 8). A logout is one SOAP or REST call; a dead upstream must not hang `lock`.
 */
export const LOGOUT_WAIT_MS = 5_000;

/**
 * Requests a child may withdraw with `token.cancel` in a minute (D186); a cancel past them is
 * ignored, and the request waits on as before there was a cancel (a prompt stays up until it
 * is answered or times out). Security: each withdrawn prompt is a popup shown and hidden and
 * three audit records, and a new request raises a new prompt at once, so a compromised child
 * (or a client cancelling in a loop) could flash prompts and flood the audit without bound:
 * 200 cycles were 200 prompts and 600 records (Y5-redteam). Our runtime cancels a request
 * only when every tool call waiting on it was cancelled, which a person does a few times a
 * minute at most.
 */
export const CHILD_CANCELS_PER_MINUTE = 4;

/** What a lock did: the credentials locked, and the endpoints whose upstream logout failed or did not finish within LOGOUT_WAIT_MS. */
export interface LockOutcome {
  readonly locked: string[];
  readonly notLoggedOut: string[];
}

/** Everything the broker needs, injected by the process's composition root. */
export interface BrokerDeps {
  readonly config: () => Config;
  readonly keychain: Keychain;
  readonly logins: Readonly<Record<EndpointKind, UpstreamLogin>>;
  readonly approver: Approver;
  readonly clock: Clock;
  readonly audit: AuditSink;
  /** Bound on waiting for logouts in `lock`/`reload`; default LOGOUT_WAIT_MS. */
  readonly logoutWaitMs?: number;
  /** New approval ids; PendingApprovals supplies short unique ones. */
  readonly newApprovalId?: () => string;
  /** The MCP client currently driving a child, when the gateway knows it. */
  readonly attribution?: (link: ChildLink) => string | undefined;
}

/**
 * The one object that ever holds a password (DESIGN.md "Processes"): unlock cache,
 * consent, upstream sessions and the token protocol, composed. Children talk to it only
 * through `attachChild`; the CLI and tray only through `status`, `lock` and `reload`.
 */
export class Broker extends DisposableBase {
  private readonly cache: UnlockCache;
  private readonly consent: Consent;
  private readonly sessions: Sessions;
  private readonly tokens: TokenService;
  private readonly grants: RepeatGrants;
  private readonly coolDowns: CoolDownRefusals;
  private readonly relogins: ForcedRelogins;
  private readonly links = new Set<ChildLink>();

  constructor(private readonly deps: BrokerDeps) {
    super();
    const { clock, audit } = deps;
    this.cache = this.register(new UnlockCache(clock));
    this.consent = new Consent({
      approver: deps.approver, cache: this.cache, clock, audit,
      newApprovalId: deps.newApprovalId ?? (() => crypto.randomBytes(4).toString('hex')),
      promptTimeoutMs: () => deps.config().unlock.promptTimeoutSeconds * 1000,
    });
    this.sessions = this.register(new Sessions({ logins: deps.logins, keychain: deps.keychain, clock, audit }));
    const grants = this.grants = this.register(new RepeatGrants({ audit, clock }));
    const coolDowns = this.coolDowns = this.register(new CoolDownRefusals({ audit, clock }));
    const relogins = this.relogins = this.register(new ForcedRelogins({ audit, clock }));
    this.tokens = new TokenService({ config: deps.config, consent: this.consent, sessions: this.sessions, clock, audit, grants, coolDowns, relogins, attribution: deps.attribution ?? (() => undefined) });

    this.register(this.cache.onDidExpire((credential) => {
      audit.append({ event: 'unlock.expired', credential });
      void this.sessions.lockCredential(credential);
    }));
    // Security: a token that is logged out upstream is also withdrawn from every child.
    this.register(this.sessions.onDidEnd(({ session, reason }) => {
      if (reason === 'stale') return; // The child reported it dead; it already asked for a new one.
      // Ended otherwise (lock, expiry, edit): the next session's first renew logs in at once.
      relogins.forget(session.credential, session.endpoint);
      for (const link of this.links) {
        if (link.kind !== session.kind) continue;
        link.send({ ch: 'broker', t: 'token.revoke', endpoint: session.endpoint });
      }
      audit.append({ event: 'token.revoked', endpoint: session.endpoint, credential: session.credential, reason });
    }));
  }

  /**
   * Connect a child; feed its broker-channel frames to `accept`. Dispose on disconnect: the
   * child's requests still waiting (for a prompt) stop waiting, as if it had cancelled them.
   */
  attachChild(link: ChildLink): { accept(raw: unknown): void } & Disposable {
    this.links.add(link);
    /** This child's requests in progress, by the id the child chose: what `token.cancel` may name. */
    const waits = new Map<string, AbortController>();
    let cancelWindow = -Infinity;
    let cancelsUsed = 0;
    const mayCancel = (): boolean => {
      const now = this.deps.clock.now();
      // A clock stepped back (NTP, a wake from sleep) starts a new minute too (D7-redteam): else
      // the minute lasted until the clock passed its start again, every cancel of it refused.
      if (now - cancelWindow >= 60_000 || now < cancelWindow) {
        cancelWindow = now;
        cancelsUsed = 0;
      }
      cancelsUsed += 1;
      return cancelsUsed <= CHILD_CANCELS_PER_MINUTE;
    };
    const detach = toDisposable(() => {
      this.links.delete(link);
      for (const w of waits.values()) w.abort();
      waits.clear();
    });
    return {
      accept: (raw) => acceptBrokerFrame(link, raw, this.deps.audit, async (frame) => {
        if (frame.t === 'endpoints.request') link.send({ ch: 'broker', t: 'endpoints.list', id: frame.id, endpoints: this.endpointSummaries(link.kind) });
        // Security: looked up in this child's own requests only, so no child can cancel
        // another child's request (ids are the child's choice and collide across children).
        // Security: and at most CHILD_CANCELS_PER_MINUTE a minute, so prompts cannot be flashed in a loop.
        else if (frame.t === 'token.cancel') {
          const wait = waits.get(frame.id);
          if (wait && mayCancel()) wait.abort();
        }
        else {
          const wait = new AbortController();
          // A repeated id replaces the older entry: only this child's own requests are affected.
          waits.set(frame.id, wait);
          try {
            await this.tokens.handle(link, frame, wait.signal);
          } finally {
            if (waits.get(frame.id) === wait) waits.delete(frame.id);
          }
        }
      }),
      dispose: () => detach.dispose(),
    };
  }

  /** Endpoint lock states and sessions, for `keybroker status` and the tray. Never a secret. */
  endpointStatus(): EndpointStatus[] {
    return this.deps.config().endpoints.map((e) => {
      // An unlock that did not name this endpoint's host (it moved since) does not serve it: locked.
      const until = this.cache.covers(e.credential, upstreamHost(e.url)) ? this.cache.unlockedUntil(e.credential) : undefined;
      const s = this.sessions.current(e.id);
      const lock = until !== undefined ? 'unlocked' : s?.mode === 'once' ? 'once' : 'locked';
      return {
        id: e.id, kind: e.kind, url: e.url, credential: e.credential, readOnly: e.readOnly, lock,
        unlockedUntil: until ?? (s?.mode === 'once' ? s.expiresAt : undefined),
        session: s ? { loggedInAt: s.loggedInAt, expiresAt: s.expiresAt } : undefined,
      };
    });
  }

  /**
   * The endpoints of one kind as a server may show them to the model (`*_list_endpoints`).
   * Security: scoped to the asking child's kind, and only name, host, read-only and lock
   * state: no credential id, user name, URL path or anything secret.
   */
  endpointSummaries(kind: EndpointKind): EndpointSummary[] {
    return this.endpointStatus()
      .filter((e) => e.kind === kind)
      .slice(0, 200)
      .map((e) => ({ name: e.id, host: new URL(e.url).host, readOnly: e.readOnly, state: e.lock }));
  }

  /**
   * Lock `target` (endpoint name, credential id or domain) or everything: withdraw pending
   * prompts, forget the unlock, revoke its tokens and log out its sessions. Resolves once
   * every logout has finished or failed, or LOGOUT_WAIT_MS has passed, so whoever asked
   * (`keybroker lock`, a script) can trust that the old sessions are dead (issue 10 item 8).
   * Throws LockTargetNotFoundError for an unknown target, before changing anything.
   */
  lock(target?: string, reason = 'user'): Promise<LockOutcome> {
    return this.lockCredentials(this.resolveTarget(target), reason);
  }

  /**
   * Config changed: sessions of changed or removed credentials end, and so does every
   * session whose endpoint was removed or now has another URL, user, credential or TLS
   * setting (issue 10 item 7). A removed credential is no longer a lock target by name, so
   * it is locked by id here rather than through `lock`. Resolves after the logouts, bounded
   * like `lock`.
   */
  async reload(changedCredentials: readonly string[]): Promise<LockOutcome> {
    this.tokens.clearCaches();
    const config = this.deps.config();
    const ends: Promise<LogoutOutcome | undefined>[] = [];
    for (const s of this.sessions.all()) {
      const now = config.endpoints.find((x) => x.id === s.endpoint);
      const held = this.sessions.loggedInWith(s.endpoint);
      if (!now) ends.push(this.sessions.end(s.endpoint, 'removed'));
      else if (!held || !sameUpstreamLogin(held, now)) ends.push(this.sessions.end(s.endpoint, 'changed'));
    }
    const locked = this.lockCredentials([...new Set(changedCredentials)], 'credential changed');
    const [outcome, ended] = await Promise.all([locked, this.waitForLogouts(Promise.all(ends))]);
    return { locked: outcome.locked, notLoggedOut: [...outcome.notLoggedOut, ...ended] };
  }

  /** The secret values alive right now (session tokens), for the audit log's redactor. */
  liveSecrets(): string[] {
    return this.sessions.tokens();
  }

  /**
   * Log out every session; call before the host exits. Bounded like `lock`, so a dead
   * upstream cannot keep the host (and its `host.stopped` record) from finishing its stop.
   */
  async shutdown(): Promise<void> {
    this.consent.cancelAll();
    // The repeated grants still counted are written before `host.stopped`.
    this.grants.dispose();
    this.coolDowns.dispose();
    this.relogins.dispose();
    await boundedWait(this.sessions.endAll(), this.deps.logoutWaitMs ?? LOGOUT_WAIT_MS);
  }

  private async lockCredentials(credentials: readonly string[], reason: string): Promise<LockOutcome> {
    const logouts: Promise<LogoutOutcome[]>[] = [];
    for (const credential of credentials) {
      this.consent.cancel(credential);
      this.cache.lock(credential);
      logouts.push(this.sessions.lockCredential(credential));
      this.deps.audit.append({ event: 'lock', credential, reason });
    }
    const notLoggedOut = await this.waitForLogouts(Promise.all(logouts).then((all) => all.flat()));
    return { locked: [...credentials], notLoggedOut };
  }

  /** The endpoints whose logout failed, or every endpoint still waiting when the bound ran out. */
  private async waitForLogouts(work: Promise<(LogoutOutcome | undefined)[]>): Promise<string[]> {
    const done = await boundedWait(work, this.deps.logoutWaitMs ?? LOGOUT_WAIT_MS);
    if (done) return done.filter((o): o is LogoutOutcome => o !== undefined && !o.ok).map((o) => o.endpoint);
    return this.sessions.loggingOut();
  }

  private resolveTarget(target: string | undefined): string[] {
    const config = this.deps.config();
    if (target === undefined) return [...new Set([...config.credentials.map((c) => c.id), ...this.cache.unlocked()])];
    const byEndpoint = config.endpoints.find((e) => e.id === target)?.credential;
    if (byEndpoint) return [byEndpoint];
    const lower = target.toLowerCase().replace(/^\*\./, '');
    const byId = config.credentials.find((c) => c.id === target || c.id === `domain:${lower}`);
    if (byId) return [byId.id];
    throw new LockTargetNotFoundError(target);
  }

  override dispose(): void {
    this.consent.cancelAll();
    super.dispose();
  }
}
