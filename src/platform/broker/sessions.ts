import type { Endpoint } from '../../base/contracts/endpoint.js';
import type { EndpointKind } from '../../base/contracts/names.js';
import { Emitter } from '../../base/events/emitter.js';
import { DisposableBase, type Disposable } from '../../base/lifecycle/disposable.js';
import type { Keychain } from '../keychain/keychain.js';
import type { AuditSink } from '../ports/audit-sink.js';
import { elapsedMs, type Clock } from '../ports/clock.js';
import type { UnlockMode } from './consent.js';
import { secretEquals } from './secret-equals.js';
import { TokenDenied } from './token-denied.js';
import { UpstreamLoginError, type UpstreamLogin } from './upstream-login.js';
import { decodePassword, encodePassword, isBound, routePassword, settleAfterLogin, type PasswordBinding } from '../keychain/password-envelope.js';
import { readCaText, type CaText } from '../config/read-ca-file.js';

/** A logged-in upstream session held by the broker on behalf of the children. */
export interface LiveSession {
  readonly endpoint: string;
  readonly kind: EndpointKind;
  readonly credential: string;
  readonly token: string;
  /** The vAPI REST session made with the same login (vSphere), when the upstream has one. */
  readonly restToken?: string;
  readonly loggedInAt: number;
  readonly expiresAt: number;
  readonly mode: UnlockMode;
}

/** Why a session ended; `onDidEnd` listeners revoke the token in the children. */
export interface SessionEnd {
  readonly session: LiveSession;
  readonly reason: 'lock' | 'expired' | 'stale' | 'removed' | 'changed' | 'shutdown';
}

/** How one upstream logout went: `failed` covers errors; the caller's bound decides when to stop waiting. */
export interface LogoutOutcome {
  readonly endpoint: string;
  readonly ok: boolean;
}

/**
 * A credential's keychain item and its endpoint's CA file as one unlock read them (D218): the
 * check before the prompt and the login use these bytes, not a second read. Holds the stored
 * password: it never leaves the broker.
 */
export interface StoredRead {
  /** The keychain item's text (an envelope, or a legacy bare password). */
  readonly item: string;
  /** The endpoint's CA file, when it names one. */
  readonly caFile: CaText | undefined;
}

/**
 * D222: the stored password `read` has no recorded servers yet (false without an item). A bare
 * item has none wherever it goes; only an item whose typed replacement is still being saved
 * (`was`, D223) depends on where the endpoint points and its trust, so only that one is routed.
 */
export function isUnbound(endpoint: Endpoint, read: StoredRead | undefined): boolean {
  if (read === undefined) return false;
  const stored = decodePassword(read.item);
  if (stored.bindings === undefined) return true;
  if (stored.was === undefined) return false;
  const route = routePassword(endpoint, stored, read.caFile);
  return route.ok && route.unbound === true;
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
  private readonly inflight = new Map<string, { readonly credential: string; readonly login: Promise<LiveSession> }>();
  /** Logouts under way (one entry per call), by endpoint. */
  private readonly outgoing = new Map<symbol, string>();
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
      void this.end(endpoint, 'expired');
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
    return [...this.held.values()].flatMap((h) => (h.session.restToken ? [h.session.token, h.session.restToken] : [h.session.token]));
  }

  /**
   * Read `endpoint`'s keychain item and its CA file once, for one unlock: the check before its
   * prompt (`unbound`) and its login then see the same bytes (D218). Undefined when there is no
   * item or it cannot be read: the login then reads again and says why.
   */
  async read(endpoint: Endpoint): Promise<StoredRead | undefined> {
    try {
      return await this.readForLogin(endpoint);
    } catch {
      return undefined;
    }
  }

  /**
   * True when `endpoint`'s stored password has no recorded servers yet (a legacy item,
   * D222): its unlock prompt must say that allowing binds it. Reads the item (and CA file)
   * only to tell; false when there is none or it cannot be read (the login then says why).
   */
  async unbound(endpoint: Endpoint): Promise<boolean> {
    return isUnbound(endpoint, await this.read(endpoint));
  }

  /**
   * Log in to `endpoint` (or join a login already under way) and keep the session until
   * `expiresAt`. `firstBinding`: the servers the person allowed an unbound password to be
   * bound to (the prompt said so); without it an unbound item is refused (D222). `read`: the
   * item and CA file as this unlock read them before its prompt (`read`), so the login sends
   * what the prompt was raised for; read here when absent.
   */
  login(endpoint: Endpoint, mode: UnlockMode, expiresAt: number, firstBinding?: readonly PasswordBinding[], read?: StoredRead): Promise<LiveSession> {
    const running = this.inflight.get(endpoint.id);
    if (running) return running.login;
    const p = this.doLogin(endpoint, mode, expiresAt, firstBinding, read).finally(() => this.inflight.delete(endpoint.id));
    this.inflight.set(endpoint.id, { credential: endpoint.credential, login: p });
    return p;
  }

  /** The held endpoint settings a live session logged in with (to spot a changed url, user or TLS). */
  loggedInWith(endpoint: string): Endpoint | undefined {
    return this.held.get(endpoint)?.endpoint;
  }

  /** Whether `token` is the token of the session held for `endpoint` (a renew naming it asks for a new login). */
  holds(endpoint: string, token: string): boolean {
    const held = this.held.get(endpoint)?.session.token;
    // Security: a child names the token; compare it in constant time, never with ===.
    return held !== undefined && secretEquals(held, token);
  }

  /**
   * The held session of `endpoint` and how to ask its upstream whether it still lives (the
   * kind's `isAlive`); undefined when none is held or its kind has no such check (P6).
   */
  liveness(endpoint: string): { readonly session: LiveSession; alive(): Promise<boolean> } | undefined {
    const h = this.held.get(endpoint);
    const login = h && this.deps.logins[h.endpoint.kind];
    const check = login?.isAlive;
    if (!h || !check) return undefined;
    const upstream = { token: h.session.token, ...(h.session.restToken ? { restToken: h.session.restToken } : {}) };
    return { session: h.session, alive: () => check.call(login, h.endpoint, upstream) };
  }

  /** Drop a session the upstream no longer accepts, if `staleToken` is still the current one. */
  invalidate(endpoint: string, staleToken: string): void {
    if (this.holds(endpoint, staleToken)) void this.end(endpoint, 'stale');
  }

  /**
   * End every session that uses `credential`, and discard logins racing this call. The
   * promise settles once each of those upstream logouts has finished or failed, including
   * the logout of a login that was still under way (issue 10 item 8: `lock` answers after
   * the logout). It never rejects; callers bound how long they wait.
   */
  lockCredential(credential: string): Promise<LogoutOutcome[]> {
    // Stryker disable next-line ArithmeticOperator: any change of the epoch works; the direction does not matter.
    this.epochs.set(credential, (this.epochs.get(credential) ?? 0) + 1);
    const logouts: Promise<LogoutOutcome | undefined>[] = [];
    for (const [id, h] of [...this.held]) {
      if (h.session.credential === credential) logouts.push(this.end(id, 'lock'));
    }
    for (const [id, f] of this.inflight) {
      // A racing login logs itself out before it settles (doLogin), so waiting for it is enough.
      if (f.credential === credential) logouts.push(f.login.then(() => undefined, () => ({ endpoint: id, ok: true })));
    }
    return Promise.all(logouts).then((all) => all.filter((o): o is LogoutOutcome => o !== undefined));
  }

  /**
   * End one endpoint's session: tell listeners (they revoke the token in the children) and
   * log out upstream. Resolves with the logout's outcome once it finished or failed, or
   * undefined when there was no session; never rejects.
   */
  end(endpoint: string, reason: SessionEnd['reason']): Promise<LogoutOutcome | undefined> {
    const h = this.held.get(endpoint);
    if (!h) return Promise.resolve(undefined);
    this.held.delete(endpoint);
    h.timer.dispose();
    this._onDidEnd.fire({ session: h.session, reason });
    if (reason !== 'stale') return this.logout(h).then((ok) => ({ endpoint, ok }));
    this.deps.audit.append({ event: 'session.logout', endpoint, credential: h.session.credential, reason: 'rejected by upstream' });
    // Stryker disable next-line all: every caller of end(..., 'stale') drops its outcome (void).
    return this.logoutStale(h).then(() => ({ endpoint, ok: true }));
  }

  /**
   * Security: a child's word that its token was refused is no proof. A compromised child
   * could renew a live token and keep using it; never logged out, it would outlive every
   * lock (R10-attack). So a stale session is logged out too; on a dead one that just fails,
   * which is expected and not audited again. Never rejects.
   */
  private async logoutStale(h: Held): Promise<void> {
    const mark = Symbol(h.session.endpoint);
    this.outgoing.set(mark, h.session.endpoint);
    try {
      await this.deps.logins[h.endpoint.kind].logout(h.endpoint, { token: h.session.token, ...(h.session.restToken ? { restToken: h.session.restToken } : {}) });
    // Stryker disable next-line BlockStatement: the block holds only a comment; nothing to remove.
    } catch {
      // Already dead upstream, as the child said.
    } finally {
      this.outgoing.delete(mark);
    }
  }

  /** Log out everything (host shutdown); resolves when every logout has been tried. */
  async endAll(): Promise<void> {
    const all = [...this.held.values()];
    this.held.clear();
    for (const h of all) h.timer.dispose();
    await Promise.all(all.map((h) => this.logout(h)));
  }

  /** The item and CA file, read now (`read`); a failed or empty keychain read is refused with what to do. */
  private async readForLogin(endpoint: Endpoint): Promise<StoredRead> {
    let item: string | undefined;
    try {
      item = await this.deps.keychain.get(endpoint.credential);
    } catch (e) {
      throw new TokenDenied('locked', `cannot read the keychain for ${endpoint.id}: ${(e as Error).message}`);
    }
    if (item === undefined) {
      throw new TokenDenied('invalid', `no password in the keychain for ${endpoint.credential}; set it with 'keybroker endpoint update ${endpoint.id} --password-stdin'`);
    }
    return { item, caFile: endpoint.tls.caFile === undefined ? undefined : readCaText(endpoint.tls.caFile) };
  }

  private async doLogin(endpoint: Endpoint, mode: UnlockMode, expiresAt: number, firstBinding: readonly PasswordBinding[] | undefined, read: StoredRead | undefined): Promise<LiveSession> {
    const { keychain, clock, audit } = this.deps;
    const epoch = this.epochs.get(endpoint.credential) ?? 0;
    const started = clock.now();
    /** A password that may not go here: audited, and the refusal to throw. */
    const refuse = (code: 'not_allowed' | 'locked', message: string): TokenDenied => {
      audit.append({ event: 'session.failed', endpoint: endpoint.id, credential: endpoint.credential, outcome: 'denied', code: 'password_not_bound', reason: message, durationMs: elapsedMs(clock, started) });
      return new TokenDenied(code, message);
    };
    // Security: the CA file is read once (with the item, by `read`); the binding is checked
    // against these bytes and the login trusts their certificates, so a file swapped in between
    // cannot be the trust the password goes out under while another one was checked (D195, D198).
    const { item, caFile } = read ?? (await this.readForLogin(endpoint));
    // Security (D198): the password goes only where it was bound; a legacy item binds here,
    // and only after a prompt that said so (D222).
    const stored = decodePassword(item);
    const route = routePassword(endpoint, stored, caFile);
    if (!route.ok) throw refuse('not_allowed', route.message);
    // An unbound item the person was not asked to bind (no prompt said so: a caller without
    // `read` whose item was rewritten bare after the prompt was shown) is not sent.
    if (route.unbound && firstBinding === undefined) throw refuse('locked', `the stored password of ${endpoint.id} has no recorded servers yet; ask again: the prompt will name the servers it is then bound to`);
    let password: string | undefined = route.password;
    let token: string;
    let restToken: string | undefined;
    try {
      // The password's only use; the reference is dropped in `finally` (JS cannot wipe strings).
      ({ token, restToken } = await this.deps.logins[endpoint.kind].login(endpoint, password, caFile));
    } catch (e) {
      const reason = e instanceof UpstreamLoginError ? e.reason : 'unreachable';
      const message = e instanceof UpstreamLoginError ? e.message : `login to ${endpoint.id} failed unexpectedly; check the URL and try again`;
      audit.append({ event: 'session.failed', endpoint: endpoint.id, credential: endpoint.credential, outcome: 'failed', code: reason, reason: message, durationMs: elapsedMs(clock, started) });
      throw new TokenDenied(reason, message);
    }
    try {
      // Bound after it worked: a legacy item to the servers the person allowed (this one among
      // them), a domain's to this in-domain host.
      // Only over the item this login read: a password typed meanwhile is never overwritten.
      // A pending item (a typed password's config write unfinished, D223) keeps only the
      // password that just worked, so the replaced one does not stay beside it (D227).
      const settled = settleAfterLogin(stored, route, firstBinding);
      const now = route.bind || settled !== undefined ? await keychain.get(endpoint.credential) : undefined;
      if (settled !== undefined && now !== undefined && secretEquals(now, item)) {
        await keychain.set(endpoint.credential, settled);
        audit.append({ event: 'config.changed', endpoint: endpoint.id, credential: endpoint.credential, reason: route.replaced ? 'unfinished password change rolled back: the replaced password logged in' : 'unfinished password change finished: the replaced password dropped' });
      } else if (route.bind && now !== undefined && secretEquals(now, item)) {
        const bind = route.bind;
        const bindings = route.unbound
          ? [...(firstBinding ?? []).filter((b, i, all) => !isBound(all.slice(0, i), b) && !isBound([bind], b)), bind]
          : [...(stored.bindings ?? []), bind];
        await keychain.set(endpoint.credential, encodePassword(password, bindings));
        audit.append({ event: 'config.changed', endpoint: endpoint.id, credential: endpoint.credential, reason: `stored password bound to ${[...new Set(bindings.map((b) => b.origin))].join(', ')}` });
      }
    } catch {
      // The session stands; the item stays as it was and binds at the next login.
    } finally {
      // eslint-disable-next-line no-useless-assignment -- drop the last reference to the password early
      password = undefined;
    }
    const session: LiveSession = { endpoint: endpoint.id, kind: endpoint.kind, credential: endpoint.credential, token, ...(restToken ? { restToken } : {}), loggedInAt: clock.now(), expiresAt, mode };
    const h: Held = { session, endpoint, timer: clock.setTimer(Math.max(0, expiresAt - clock.now()), () => void this.end(endpoint.id, 'expired')) };
    audit.append({ event: 'session.login', endpoint: endpoint.id, credential: endpoint.credential, outcome: 'ok', durationMs: elapsedMs(clock, started), expiresAt: new Date(expiresAt).toISOString() });
    if ((this.epochs.get(endpoint.credential) ?? 0) !== epoch) {
      // Security: the user locked this credential while we were logging in. Log out before
      // settling, so a `lock` waiting on this login answers only after the logout.
      h.timer.dispose();
      await this.logout(h);
      throw new TokenDenied('locked', `${endpoint.id} was locked during login; ask again to unlock it`);
    }
    const previous = this.held.get(endpoint.id);
    if (previous) void this.end(endpoint.id, 'stale');
    this.held.set(endpoint.id, h);
    return session;
  }

  /** Endpoints whose upstream logout is still running. */
  loggingOut(): string[] {
    return [...new Set(this.outgoing.values())];
  }

  /** Log `h` out upstream and audit how it went; true when the upstream confirmed. Never rejects. */
  private async logout(h: Held): Promise<boolean> {
    const mark = Symbol(h.session.endpoint);
    this.outgoing.set(mark, h.session.endpoint);
    try {
      await this.deps.logins[h.endpoint.kind].logout(h.endpoint, { token: h.session.token, ...(h.session.restToken ? { restToken: h.session.restToken } : {}) });
      this.deps.audit.append({ event: 'session.logout', endpoint: h.session.endpoint, credential: h.session.credential, outcome: 'ok' });
      return true;
    } catch {
      this.deps.audit.append({ event: 'session.logout', endpoint: h.session.endpoint, credential: h.session.credential, outcome: 'failed', reason: 'upstream logout failed; the session will expire on its own' });
      return false;
    } finally {
      this.outgoing.delete(mark);
    }
  }

  override dispose(): void {
    void this.endAll();
    super.dispose();
  }
}
