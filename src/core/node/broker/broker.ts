import type { Config } from '../../common/contracts/config.js';
import type { EndpointKind } from '../../common/contracts/names.js';
import type { EndpointStatus } from '../../common/contracts/broker-status.js';
import type { EndpointSummary } from '../../common/contracts/token-protocol.js';
import { DisposableBase, toDisposable, type Disposable } from '../../common/lifecycle/disposable.js';
import type { Keychain } from '../keychain/keychain.js';
import type { Approver } from './approver.js';
import type { AuditSink } from './audit-sink.js';
import { LockTargetNotFoundError } from './broker-errors.js';
import type { ChildLink } from './child-link.js';
import type { Clock } from './clock.js';
import { Consent } from './consent.js';
import { acceptBrokerFrame } from './frame-intake.js';
import { Sessions } from './sessions.js';
import { TokenService } from './token-service.js';
import { UnlockCache } from './unlock-cache.js';
import type { UpstreamLogin } from './upstream-login.js';
import crypto from 'node:crypto';

/** Everything the broker needs, injected by the process's composition root. */
export interface BrokerDeps {
  readonly config: () => Config;
  readonly keychain: Keychain;
  readonly logins: Readonly<Record<EndpointKind, UpstreamLogin>>;
  readonly approver: Approver;
  readonly clock: Clock;
  readonly audit: AuditSink;
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
    this.tokens = new TokenService({ config: deps.config, consent: this.consent, sessions: this.sessions, clock, audit, attribution: deps.attribution ?? (() => undefined) });

    this.register(this.cache.onDidExpire((credential) => {
      audit.append({ event: 'unlock.expired', credential });
      this.sessions.lockCredential(credential);
    }));
    // Security: a token that is logged out upstream is also withdrawn from every child.
    this.register(this.sessions.onDidEnd(({ session, reason }) => {
      if (reason === 'stale') return; // The child reported it dead; it already asked for a new one.
      for (const link of this.links) {
        if (link.kind !== session.kind) continue;
        link.send({ ch: 'broker', t: 'token.revoke', endpoint: session.endpoint });
      }
      audit.append({ event: 'token.revoked', endpoint: session.endpoint, credential: session.credential, reason });
    }));
  }

  /** Connect a child; feed its broker-channel frames to `accept`. Dispose on disconnect. */
  attachChild(link: ChildLink): { accept(raw: unknown): void } & Disposable {
    this.links.add(link);
    const detach = toDisposable(() => this.links.delete(link));
    return {
      accept: (raw) => acceptBrokerFrame(link, raw, this.deps.audit, async (frame) => {
        if (frame.t === 'endpoints.request') link.send({ ch: 'broker', t: 'endpoints.list', id: frame.id, endpoints: this.endpointSummaries(link.kind) });
        else await this.tokens.handle(link, frame);
      }),
      dispose: () => detach.dispose(),
    };
  }

  /** Endpoint lock states and sessions, for `keybroker status` and the tray. Never a secret. */
  endpointStatus(): EndpointStatus[] {
    return this.deps.config().endpoints.map((e) => {
      const until = this.cache.unlockedUntil(e.credential);
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
   * prompts, forget the unlock, log out its sessions, revoke its tokens. Returns the credentials locked.
   */
  lock(target?: string, reason = 'user'): string[] {
    const credentials = this.resolveTarget(target);
    for (const credential of credentials) {
      this.consent.cancel(credential);
      this.cache.lock(credential);
      this.sessions.lockCredential(credential);
      this.deps.audit.append({ event: 'lock', credential, reason });
    }
    return credentials;
  }

  /** Config changed: sessions of changed or removed credentials and endpoints end now. */
  reload(changedCredentials: readonly string[]): void {
    this.tokens.clearCaches();
    const config = this.deps.config();
    for (const c of changedCredentials) this.lock(c, 'credential changed');
    for (const s of this.sessions.all()) {
      const e = config.endpoints.find((x) => x.id === s.endpoint);
      if (!e || e.credential !== s.credential) this.sessions.end(s.endpoint, 'removed');
    }
  }

  /** The secret values alive right now (session tokens), for the audit log's redactor. */
  liveSecrets(): string[] {
    return this.sessions.tokens();
  }

  /** Log out every session; call before the host exits. */
  async shutdown(): Promise<void> {
    this.consent.cancelAll();
    await this.sessions.endAll();
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
