import type { Endpoint } from '../../../base/contracts/endpoint.js';
import { p6Login, p6Logout } from '../../../connectors/p6/session/index.js';
import { BugError } from '../../../base/errors/core-error.js';
import type { CaText } from '../../config/read-ca-file.js';
import type { UpstreamLogin, UpstreamSession } from '../upstream-login.js';
import { toLoginError } from './to-login-error.js';
import { withEndpointDispatcher } from './with-endpoint-dispatcher.js';

/** P6 `POST /login?DatabaseName=` / `POST /logout`; the token is the Cookie header of every cookie login set. */
export class P6UpstreamLogin implements UpstreamLogin {
  login(endpoint: Endpoint, password: string, caFile?: CaText): Promise<UpstreamSession> {
    if (endpoint.kind !== 'p6') throw new BugError(`P6 login asked for ${endpoint.kind} endpoint ${endpoint.id}`);
    return withEndpointDispatcher(endpoint, async (dispatcher) => {
      try {
        const s = await p6Login({ baseUrl: endpoint.url, database: endpoint.database, username: endpoint.username, password, variant: endpoint.loginVariant, dispatcher });
        return { token: s.cookieHeader };
      } catch (e) {
        throw toLoginError(e, endpoint.id);
      }
    }, caFile);
  }

  async logout(endpoint: Endpoint, session: UpstreamSession): Promise<void> {
    await withEndpointDispatcher(endpoint, (dispatcher) => p6Logout({ baseUrl: endpoint.url, cookieHeader: session.token, dispatcher }));
  }
}
