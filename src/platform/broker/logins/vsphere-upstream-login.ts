import type { Endpoint } from '../../../base/contracts/endpoint.js';
import { SESSION_TIMEOUT_MS, vapiLogin, vapiLogout, vsphereLogin, vsphereLogout, vsphereSessionAlive } from '../../../connectors/vsphere/session/index.js';
import type { CaText } from '../../config/read-ca-file.js';
import type { UpstreamLogin, UpstreamSession } from '../upstream-login.js';
import { toLoginError } from './to-login-error.js';
import { withEndpointDispatcher } from './with-endpoint-dispatcher.js';

/** Options of {@link VsphereUpstreamLogin}. */
export interface VsphereUpstreamLoginOptions {
  /**
   * The whole login's time, the vim25 login and the vAPI one together, and the whole logout's
   * (D167); default {@link SESSION_TIMEOUT_MS} (60 s), a session request's deadline.
   */
  readonly budgetMs?: number;
  /** A monotonic clock in ms for the budget; default `performance.now`. */
  readonly now?: () => number;
}

/**
 * vCenter `SessionManager.Login`/`Logout` over verified (or pinned) TLS; the token is the
 * `vmware_soap_session` cookie, with the vAPI session (tags) beside it. A login or a logout
 * takes at most the budget (60 s), both sessions together.
 */
export class VsphereUpstreamLogin implements UpstreamLogin {
  private readonly budgetMs: number;
  private readonly now: () => number;

  constructor(options: VsphereUpstreamLoginOptions = {}) {
    this.budgetMs = options.budgetMs ?? SESSION_TIMEOUT_MS;
    this.now = options.now ?? (() => performance.now());
  }

  login(endpoint: Endpoint, password: string, caFile?: CaText): Promise<UpstreamSession> {
    const started = this.now();
    return withEndpointDispatcher(endpoint, async (dispatcher) => {
      try {
        const session = await vsphereLogin({ url: endpoint.url, username: endpoint.username, password, dispatcher, timeoutMs: this.budgetMs });
        // The vAPI session for tags, from the same password while we still hold it (issue 16).
        // Best effort: an ESXi host has no vAPI, and SOAP tools must not fail for tags' sake.
        // One budget for the whole login (D167): the user waits for the token, and
        // the vim25 session is what tools need, so the vAPI login gets only what is left of it;
        // none left, it is not sent. Before, it had 60 s of its own after the vim25 login's 60 s.
        const left = Math.floor(this.budgetMs - (this.now() - started));
        const restToken = left > 0 ? await vapiLogin({ url: endpoint.url, username: endpoint.username, password, dispatcher, timeoutMs: left }).catch(() => undefined) : undefined;
        return { token: session.cookie, ...(restToken ? { restToken } : {}) };
      } catch (e) {
        throw toLoginError(e, endpoint.id);
      }
    }, caFile);
  }

  /** SessionManager's `currentSession`, read with the session's own cookie (one request, within the budget). */
  isAlive(endpoint: Endpoint, session: UpstreamSession): Promise<boolean> {
    return withEndpointDispatcher(endpoint, (dispatcher) => vsphereSessionAlive({ url: endpoint.url, cookie: session.token, dispatcher, timeoutMs: this.budgetMs }));
  }

  logout(endpoint: Endpoint, session: UpstreamSession): Promise<void> {
    return withEndpointDispatcher(endpoint, async (dispatcher) => {
      // Both sessions at once, each within the budget (D167): a vAPI logout that
      // stalls no longer holds the vim25 one back (they ran one after the other, 60 s each).
      // The vAPI logout stays best effort; only the vim25 session's outcome is reported.
      const [, vim25] = await Promise.allSettled([
        session.restToken ? vapiLogout({ url: endpoint.url, session: session.restToken, dispatcher, timeoutMs: this.budgetMs }) : undefined,
        vsphereLogout({ url: endpoint.url, cookie: session.token, dispatcher, timeoutMs: this.budgetMs }),
      ]);
      if (vim25.status === 'rejected') throw vim25.reason;
    });
  }
}
