import type { Endpoint } from '../../../common/contracts/endpoint.js';
import { p6Login, p6Logout } from '../../../../connectors/p6/session/index.js';
import { createUpstreamDispatcher } from '../../../../connectors/tls/index.js';
import { BugError } from '../../../common/errors/core-error.js';
import type { UpstreamLogin, UpstreamSession } from '../upstream-login.js';
import { readEndpointCa } from './read-endpoint-ca.js';
import { toLoginError } from './to-login-error.js';

/** P6 `POST /login?DatabaseName=` / `POST /logout`; the token is the Cookie header of every cookie login set. */
export class P6UpstreamLogin implements UpstreamLogin {
  async login(endpoint: Endpoint, password: string): Promise<UpstreamSession> {
    if (endpoint.kind !== 'p6') throw new BugError(`P6 login asked for ${endpoint.kind} endpoint ${endpoint.id}`);
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: endpoint.tls.fingerprintSha256, ca: readEndpointCa(endpoint) });
    try {
      const s = await p6Login({ baseUrl: endpoint.url, database: endpoint.database, username: endpoint.username, password, variant: endpoint.loginVariant, dispatcher });
      return { token: s.cookieHeader };
    } catch (e) {
      throw toLoginError(e, endpoint.id);
    } finally {
      await dispatcher.close();
    }
  }

  async logout(endpoint: Endpoint, session: UpstreamSession): Promise<void> {
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: endpoint.tls.fingerprintSha256, ca: readEndpointCa(endpoint) });
    try {
      await p6Logout({ baseUrl: endpoint.url, cookieHeader: session.token, dispatcher });
    } finally {
      await dispatcher.close();
    }
  }
}
