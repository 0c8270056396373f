import type { Config } from '../../base/contracts/config.js';
import type { Endpoint } from '../../base/contracts/endpoint.js';
import type { TokenGrant, TokenRenew, TokenRequest } from '../../base/contracts/token-protocol.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { ChildLink } from './child-link.js';
import { elapsedMs, type Clock } from '../ports/clock.js';
import type { Consent, Requester, UnlockTarget } from './consent.js';
import { isUnbound, type LiveSession, type Sessions } from './sessions.js';
import type { RepeatGrants } from './repeat-grants.js';
import type { CoolDownRefusals } from './cool-down-refusals.js';
import type { ForcedRelogins } from './forced-relogins.js';
import { TokenDenied } from './token-denied.js';
import { grantExtrasOf } from '../../base/kinds/registry.js';
import { sameUpstreamLogin } from './same-upstream-login.js';
import { readCaCertificates } from '../config/read-ca-file.js';
import { unlockHosts, upstreamHost } from '../../base/upstream-hosts.js';
import { credentialBindings } from '../keychain/password-envelope.js';

/** Allow-once sessions live at most this long: one task's worth, then the user is asked again. */
export const ONCE_SESSION_MS = 15 * 60 * 1000;

/**
 * Requests (and renews) of one child that may wait at once for an unlock or a login
 * (A7-redteam). Security: each waits with a keychain read (D222), an entry among a prompt's
 * requesters (D215) and its promises; without a bound a compromised child could queue requests
 * until the host ran out of memory (40,000 were 400 MB, and the prompt's answer then took
 * seconds of one turn). One past the bound is refused at once and counts against the child's
 * refused-frame budget. A request served from a held session never waits and is not counted.
 * Our runtime asks once per endpoint at a time (TokenClient's single flight); four times the
 * calls a child can have at once (CHILD_CALLS_IN_FLIGHT, 64) leaves room for a server of
 * config.json that asks once per call.
 */
export const CHILD_TOKEN_REQUESTS_WAITING = 256;

/** The audit reason of a request its child cancelled (`token.cancel`) or left behind. */
const CANCELLED = 'the server stopped waiting: its tool call was cancelled or its client went away';

/**
 * Answers `token.request` and `token.renew` (DESIGN.md "Token protocol"): scope check,
 * consent, single-flight login, grant. Every outcome is audited; no outcome carries a secret.
 */
export class TokenService {
  private readonly caCache = new Map<string, string>();
  /** Requests of each child waiting for an unlock or a login (CHILD_TOKEN_REQUESTS_WAITING); counted, not keyed by id. */
  private readonly waiting = new WeakMap<ChildLink, number>();

  constructor(
    private readonly deps: {
      readonly config: () => Config;
      readonly consent: Consent;
      readonly sessions: Sessions;
      readonly clock: Clock;
      readonly audit: AuditSink;
      /** Writes `token.granted`: a grant of the session the child already holds is coalesced. */
      readonly grants: RepeatGrants;
      /** Writes the refusals without a prompt in a deny's cool-down, coalesced. */
      readonly coolDowns: CoolDownRefusals;
      /** At most one re-login per window for renews of the current token; the rest are served that login's session. */
      readonly relogins: ForcedRelogins;
      /** The MCP client currently driving `link`, when the gateway knows it. */
      readonly attribution: (link: ChildLink) => string | undefined;
    },
  ) {}

  /**
   * Handle one validated frame from `link`; never throws: failures become `token.deny`.
   * `signal` aborts when the child cancels the request (`token.cancel`) or goes away: the
   * request stops waiting for consent and gets no answer (nobody is waiting for one).
   */
  async handle(link: ChildLink, frame: TokenRequest | TokenRenew, signal: AbortSignal): Promise<void> {
    const started = this.deps.clock.now();
    try {
      // Synchronous, before the first await: a refusal of what the child may never have is
      // audited while its frame is taken, so the refused-frame budget stops a flood at once.
      const endpoint = this.endpointFor(link, frame);
      const { session, held } = await this.resolve(link, frame, endpoint, signal);
      if (signal.aborted) throw signal.reason;
      link.send(this.grant(frame.id, session));
      // Security: a renew storm is counted, not written each time (Z3-renew).
      if (held) return this.deps.relogins.held(link.server, session.endpoint);
      // Security: a child re-asking for the token it holds is counted, not written each time (Y2-auditflood).
      this.deps.grants.granted(link.server, session, { event: 'token.granted', endpoint: frame.endpoint, server: link.server, outcome: 'ok', durationMs: elapsedMs(this.deps.clock, started), expiresAt: new Date(session.expiresAt).toISOString() });
    } catch (e) {
      this.deps.grants.denied(link.server, frame.endpoint);
      if (signal.aborted) {
        this.deps.audit.append({ event: 'token.denied', endpoint: frame.endpoint, server: link.server, outcome: 'cancelled', reason: CANCELLED, durationMs: elapsedMs(this.deps.clock, started) });
        return;
      }
      const denied = e instanceof TokenDenied ? e : new TokenDenied('unreachable', `could not get a session for ${frame.endpoint}; see 'keybroker audit'`);
      link.send({ ch: 'broker', t: 'token.deny', id: frame.id, code: denied.code, message: denied.message });
      // Security: a child asking in a loop after the person said no is counted, not written each time.
      if (denied.coolingDown) return this.deps.coolDowns.record(link.server, frame.endpoint);
      // Security: a denial the child asked for carries its pid, so the host counts it against the
      // child's refused-frame budget: valid frames for names it may never have cannot flood
      // the audit log and rotate the real history out (R10-attack).
      this.deps.audit.append({ event: 'token.denied', endpoint: frame.endpoint, server: link.server, ...(denied.byChild && link.pid !== undefined ? { pid: link.pid } : {}), outcome: 'denied', code: denied.code, reason: denied.message, durationMs: elapsedMs(this.deps.clock, started) });
    }
  }

  /** Forget cached CA files (config reloaded). */
  clearCaches(): void {
    this.caCache.clear();
  }

  /** The endpoint `frame` names, if `link` may use it (scope check). */
  private endpointFor(link: ChildLink, frame: TokenRequest | TokenRenew): Endpoint {
    const endpoint = this.deps.config().endpoints.find((e) => e.id === frame.endpoint);
    if (!endpoint) throw new TokenDenied('invalid', `no endpoint named ${frame.endpoint}; call the server's *_list_endpoints tool for the names`, true);
    // Security: a compromised vSphere child must not obtain a P6 session, and vice versa.
    if (endpoint.kind !== link.kind) throw new TokenDenied('not_allowed', `the ${link.server} server may not use ${endpoint.kind} endpoint ${endpoint.id}`, true);
    return endpoint;
  }

  /** The session to grant; `held` when it answers a renew the re-login window held back. */
  private resolve(link: ChildLink, frame: TokenRequest | TokenRenew, endpoint: Endpoint, signal: AbortSignal): Promise<{ session: LiveSession; held: boolean }> {
    const { sessions } = this.deps;
    if (frame.t === 'token.renew' && sessions.holds(endpoint.id, frame.stale)) {
      // Security: a renew of the current token logs in again at most once a window per
      // credential and endpoint; the rest get the session that login made (Z3-renew), so a
      // child renewing in a loop cannot drive logins against the upstream or flood the audit.
      // Within the window, a session its upstream says is dead (vSphere's check) is logged in
      // again, a bounded number of times (D232): a second real 401 is not held.
      const { relogins } = this.deps;
      if (relogins.mayRelogin(endpoint.credential, endpoint.id)) sessions.invalidate(endpoint.id, frame.stale);
      else {
        const liveness = sessions.liveness(endpoint.id);
        if (liveness === undefined) return this.sessionFor(link, endpoint, signal, true);
        // Only this path awaits before the waiting bound below: the check is shared by every
        // renew in flight and bounded per window (D232), so it cannot be flooded.
        return relogins.provenDead(endpoint.credential, endpoint.id, liveness).then((dead) => {
          if (dead) sessions.invalidate(endpoint.id, frame.stale);
          return this.sessionFor(link, endpoint, signal, !dead);
        });
      }
    }
    return this.sessionFor(link, endpoint, signal, false);
  }

  /** The current session of `endpoint`, or an unlock and login bounded per child; `held` as in resolve(). */
  private sessionFor(link: ChildLink, endpoint: Endpoint, signal: AbortSignal, held: boolean): Promise<{ session: LiveSession; held: boolean }> {
    const live = this.deps.sessions.current(endpoint.id);
    // Security (C7-firstuse): a server config.json added gets a session only when the unlock in
    // force was allowed by a prompt that named it; else it asks below, like a locked credential.
    if (live && this.deps.consent.serves(endpoint.credential, upstreamHost(endpoint.url), link)) return Promise.resolve({ session: this.stillCurrent(live), held });
    const waiting = this.waiting.get(link) ?? 0;
    // Security (A7-redteam): counted per child, not by id: a repeated id would replace its entry
    // in the broker's map while the older request still waits. Thrown synchronously (no async
    // function here), so the refusal is audited while its frame is taken and the refused-frame
    // budget closes a flooding child's channel before the rest of its batch is read.
    if (waiting >= CHILD_TOKEN_REQUESTS_WAITING) throw new TokenDenied('invalid', `too many token requests of the ${link.server} server wait for an unlock or a login (${CHILD_TOKEN_REQUESTS_WAITING}); ask again when one has been answered`, true);
    this.waiting.set(link, waiting + 1);
    return this.unlockAndLogin(link, endpoint, this.deps.config(), signal).finally(() => this.waiting.set(link, (this.waiting.get(link) ?? 1) - 1));
  }

  /** Ask consent for `endpoint`'s credential (unless unlocked) and log in. */
  private async unlockAndLogin(link: ChildLink, endpoint: Endpoint, config: Config, signal: AbortSignal): Promise<{ session: LiveSession; held: boolean }> {
    const { sessions } = this.deps;

    // Stryker disable next-line OptionalChaining,ArithmeticOperator: unreachable; Config's schema refuses an endpoint whose credential is not listed and defaults ttlSeconds.
    const ttlSeconds = config.credentials.find((c) => c.id === endpoint.credential)?.ttlSeconds ?? 4 * 3600;
    const who = this.requester(link);
    // Y7-bindpw: the prompt names where the password goes; `endpoint` is the one the login uses.
    // The hosts of every endpoint of the credential are listed only when a prompt needs them:
    // an unlocked credential (the allow-check needs `host` alone) or a cool-down does not.
    // D222: a password with no recorded servers yet is bound by this prompt's
    // allow, to the servers it names; the prompt says so, and no cached unlock stands in for it.
    // The item and the CA file are read once, here: the check and the login see the same
    // bytes, so the login sends what the prompt was raised for (D218).
    const read = await sessions.read(endpoint);
    const unbound = isUnbound(endpoint, read);
    const target: UnlockTarget = { endpoint: endpoint.id, host: upstreamHost(endpoint.url), get hosts() { return unlockHosts(config, endpoint); }, ...(unbound && { unbound }) };
    const mode = await this.deps.consent.ensureUnlocked(endpoint.credential, ttlSeconds, target, who, signal);
    // A server config.json added asked for a session a built-in server's login holds: once the
    // person allowed it, it gets that session; a new login would end the one the others use.
    const shared = link.fromConfig ? this.deps.sessions.current(endpoint.id) : undefined;
    if (shared) return { session: this.stillCurrent(shared), held: false };
    const now = this.deps.clock.now();
    // A TTL session ends exactly with its unlock; an allow-once session lasts one task.
    let until = now + Math.min(ONCE_SESSION_MS, ttlSeconds * 1000);
    // A statement of its own, so the disable comment reaches it (inside a ternary it did not).
    // Stryker disable next-line ArithmeticOperator: unreachable; a 'ttl' answer has just unlocked the credential for at least 60 s.
    if (mode === 'ttl') until = this.deps.consent.unlockedUntil(endpoint.credential) ?? now + ttlSeconds * 1000;
    try {
      // The endpoint's own binding comes from `read` in the login, not from a read of its CA file here.
      const others = unbound ? credentialBindings({ endpoints: config.endpoints.filter((e) => e.id !== endpoint.id) }, endpoint.credential) : undefined;
      return { session: this.stillCurrent(await sessions.login(endpoint, mode, until, others, read)), held: false };
    } catch (e) {
      // Security: a rejected password is never tried again without the user: the next
      // request prompts anew (P6 locks accounts after a few failures).
      if (e instanceof TokenDenied && e.code === 'login_failed') this.deps.consent.forget(endpoint.credential);
      throw e;
    }
  }

  /** Who asks through `link`, for the prompt and the audit: the client driving it, the server, and whether config.json added it. */
  private requester(link: ChildLink): Requester {
    return { client: this.deps.attribution(link) ?? `${link.server} server`, server: link.server, ...(link.fromConfig && { fromConfig: link.fromConfig }) };
  }

  /**
   * Security: `session` logged in with the settings its endpoint has now. A config edit
   * (URL, user, pin, CA) that landed while the login ran found no session to end (reload
   * ends only held ones), and the grant is built from the config of now: the old upstream's
   * token would go to the new URL, under the new user's name or pin (R10-attack).
   */
  private stillCurrent(session: LiveSession): LiveSession {
    const now = this.deps.config().endpoints.find((e) => e.id === session.endpoint);
    const held = this.deps.sessions.loggedInWith(session.endpoint);
    if (now && held && sameUpstreamLogin(held, now)) return session;
    void this.deps.sessions.end(session.endpoint, now ? 'changed' : 'removed');
    throw new TokenDenied('locked', `${session.endpoint} was changed while its session was made; ask again to log in with its new settings`);
  }

  private grant(id: string, s: LiveSession): TokenGrant {
    const endpoint = this.deps.config().endpoints.find((e) => e.id === s.endpoint);
    return {
      ch: 'broker', t: 'token.grant', id, endpoint: s.endpoint, token: s.token, ...(s.restToken ? { restToken: s.restToken } : {}), expiresAt: s.expiresAt,
      // `endpoint?.` below: the endpoint was found in resolve() a moment before; only a config
      // reload in between could remove it, so the optional chains are equivalent (docs/TESTING.md).
      // Stryker disable OptionalChaining
      upstream: {
        // Stryker disable next-line StringLiteral: unreachable, as above.
        url: endpoint?.url ?? '',
        fingerprintSha256: endpoint?.tls.fingerprintSha256,
        ca: endpoint?.tls.caFile ? this.readCa(endpoint.tls.caFile) : undefined,
        database: endpoint ? grantExtrasOf(endpoint).database : undefined,
        username: endpoint?.username,
      },
      // Stryker restore OptionalChaining
    };
  }

  private readCa(file: string): string | undefined {
    let pem = this.caCache.get(file);
    if (pem === undefined) {
      // Checked as at `--ca` (a regular file of at most 1 MiB) and never blocking: see readCaCertificates.
      const read = readCaCertificates(file);
      if (!read.ok) return undefined; // The child's TLS check then fails closed against system CAs.
      pem = read.text;
      this.caCache.set(file, pem);
    }
    return pem;
  }
}
