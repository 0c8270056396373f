import type { Endpoint } from '../../common/contracts/endpoint.js';
import type { EndpointKind } from '../../common/contracts/names.js';
import { Emitter } from '../../common/events/emitter.js';
import { DisposableBase, type Disposable } from '../../common/lifecycle/disposable.js';
import type { Keychain } from '../keychain/keychain.js';
import type { AuditSink } from './audit-sink.js';
import type { Clock } from './clock.js';
import type { UnlockMode } from './consent.js';
import { secretEquals } from './secret-equals.js';
import { TokenDenied } from './token-denied.js';
import { UpstreamLoginError, type UpstreamLogin } from './upstream-login.js';

/** A logged-in upstream session held by the broker on behalf of the children. */
export interface LiveSession {
  readonly endpoint: string;
  readonly kind: EndpointKind;
  readonly credential: string;
  readonly token: string;
  readonly loggedInAt: number;
  readonly expiresAt: number;
  readonly mode: UnlockMode;
}

/** Why a session ended; `onDidEnd` listeners revoke the token in the children. */
export interface SessionEnd {
  readonly session: LiveSession;
  readonly reason: 'lock' | 'expired' | 'stale' | 'removed' | 'shutdown';
}

interface Held {
  readonly session: LiveSession;
  readonly endpoint: Endpoint;
  readonly timer: Disposable;
}

/**
 * Upstream sessions, one per endpoint (DESIGN.md "Session"): reads the password from the
 * keychain only to log in, keeps the token, logs out on lock or expiry. Logins are
 * single-flight per endpoint and never retried (P6 locks accounts).
 */
export class Sessions extends DisposableBase {
  private readonly held = new Map<string, Held>();
  private readonly inflight = new Map<string, Promise<LiveSession>>();
  /** Bumped on every lock of a credential, so a login that raced a lock is thrown away. */
  private readonly epochs = new Map<string, number>();
  private readonly _onDidEnd = this.register(new Emitter<SessionEnd>());
  readonly onDidEnd = this._onDidEnd.event;

  constructor(
    private readonly deps: {
      readonly logins: Readonly<Record<EndpointKind, UpstreamLogin>>;
      readonly keychain: Keychain;
      readonly clock: Clock;
      readonly audit: AuditSink;
    },
  ) {
    super();
  }

  /** The live session of `endpoint`, if any and not past its expiry. */
  current(endpoint: string): LiveSession | undefined {
    const h = this.held.get(endpoint);
    if (h && this.deps.clock.now() >= h.session.expiresAt) {
      this.end(endpoint, 'expired');
      return undefined;
    }
    return h?.session;
  }

  /** Every live session. */
  all(): LiveSession[] {
    return [...this.held.keys()].map((e) => this.current(e)).filter((s): s is LiveSession => s !== undefined);
  }

  /** Every held token, without side effects (the audit redactor calls this on each append). */
  tokens(): string[] {
    return [...this.held.values()].map((h) => h.session.token);
  }

  /** Log in to `endpoint` (or join a login already under way) and keep the session until `expiresAt`. */
  login(endpoint: Endpoint, mode: UnlockMode, expiresAt: number): Promise<LiveSession> {
    const running = this.inflight.get(endpoint.id);
    if (running) return running;
    const p = this.doLogin(endpoint, mode, expiresAt).finally(() => this.inflight.delete(endpoint.id));
    this.inflight.set(endpoint.id, p);
    return p;
  }

  /** Drop a session the upstream no longer accepts, if `staleToken` is still the current one. */
  invalidate(endpoint: string, staleToken: string): void {
    const held = this.held.get(endpoint)?.session.token;
    // Security: a child names the token; compare it in constant time, never with ===.
    if (held !== undefined && secretEquals(held, staleToken)) this.end(endpoint, 'stale');
  }

  /** End every session that uses `credential`, and discard logins racing this call. */
  lockCredential(credential: string): string[] {
    // Stryker disable next-line ArithmeticOperator: any change of the epoch works; the direction does not matter.
    this.epochs.set(credential, (this.epochs.get(credential) ?? 0) + 1);
    const ended: string[] = [];
    for (const [id, h] of [...this.held]) {
      if (h.session.credential === credential) {
        this.end(id, 'lock');
        ended.push(id);
      }
    }
    return ended;
  }

  /** End one endpoint's session: log out upstream (best effort) and tell listeners. */
  end(endpoint: string, reason: SessionEnd['reason']): void {
    const h = this.held.get(endpoint);
    if (!h) return;
    this.held.delete(endpoint);
    h.timer.dispose();
    this._onDidEnd.fire({ session: h.session, reason });
    // A stale session is already dead upstream; anything else is logged out for real.
    if (reason !== 'stale') void this.logout(h);
    else this.deps.audit.append({ event: 'session.logout', endpoint, credential: h.session.credential, reason: 'rejected by upstream' });
  }

  /** Log out everything (host shutdown); resolves when every logout has been tried. */
  async endAll(): Promise<void> {
    const all = [...this.held.values()];
    this.held.clear();
    for (const h of all) h.timer.dispose();
    await Promise.all(all.map((h) => this.logout(h)));
  }

  private async doLogin(endpoint: Endpoint, mode: UnlockMode, expiresAt: number): Promise<LiveSession> {
    const { keychain, clock, audit } = this.deps;
    const epoch = this.epochs.get(endpoint.credential) ?? 0;
    const started = clock.now();
    let password: string | undefined;
    try {
      password = await keychain.get(endpoint.credential);
    } catch (e) {
      throw new TokenDenied('locked', `cannot read the keychain for ${endpoint.id}: ${(e as Error).message}`);
    }
    if (password === undefined) {
      throw new TokenDenied('invalid', `no password in the keychain for ${endpoint.credential}; add it again with 'keybroker endpoint add ... --password-stdin'`);
    }
    let token: string;
    try {
      // The password's only use; the reference is dropped in `finally` (JS cannot wipe strings).
      ({ token } = await this.deps.logins[endpoint.kind].login(endpoint, password));
    } catch (e) {
      const reason = e instanceof UpstreamLoginError ? e.reason : 'unreachable';
      const message = e instanceof UpstreamLoginError ? e.message : `login to ${endpoint.id} failed unexpectedly; check the URL and try again`;
      audit.append({ event: 'session.failed', endpoint: endpoint.id, credential: endpoint.credential, outcome: 'failed', code: reason, reason: message, durationMs: clock.now() - started });
      throw new TokenDenied(reason, message);
    } finally {
      // eslint-disable-next-line no-useless-assignment -- drop the last reference to the password early
      password = undefined;
    }
    const session: LiveSession = { endpoint: endpoint.id, kind: endpoint.kind, credential: endpoint.credential, token, loggedInAt: clock.now(), expiresAt, mode };
    const h: Held = { session, endpoint, timer: clock.setTimer(Math.max(0, expiresAt - clock.now()), () => this.end(endpoint.id, 'expired')) };
    audit.append({ event: 'session.login', endpoint: endpoint.id, credential: endpoint.credential, outcome: 'ok', durationMs: clock.now() - started, expiresAt: new Date(expiresAt).toISOString() });
    if ((this.epochs.get(endpoint.credential) ?? 0) !== epoch) {
      // Security: the user locked this credential while we were logging in.
      h.timer.dispose();
      void this.logout(h);
      throw new TokenDenied('locked', `${endpoint.id} was locked during login; ask again to unlock it`);
    }
    const previous = this.held.get(endpoint.id);
    if (previous) this.end(endpoint.id, 'stale');
    this.held.set(endpoint.id, h);
    return session;
  }

  private async logout(h: Held): Promise<void> {
    try {
      await this.deps.logins[h.endpoint.kind].logout(h.endpoint, { token: h.session.token });
      this.deps.audit.append({ event: 'session.logout', endpoint: h.session.endpoint, credential: h.session.credential, outcome: 'ok' });
    } catch {
      this.deps.audit.append({ event: 'session.logout', endpoint: h.session.endpoint, credential: h.session.credential, outcome: 'failed', reason: 'upstream logout failed; the session will expire on its own' });
    }
  }

  override dispose(): void {
    void this.endAll();
    super.dispose();
  }
}
