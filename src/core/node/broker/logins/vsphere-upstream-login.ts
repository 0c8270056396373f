import type { Endpoint } from '../../../common/contracts/endpoint.js';
import { vsphereLogin, vsphereLogout } from '../../../../connectors/vsphere/session/index.js';
import type { UpstreamLogin, UpstreamSession } from '../upstream-login.js';
import { toLoginError } from './to-login-error.js';
import { withEndpointDispatcher } from './with-endpoint-dispatcher.js';

/** vCenter `SessionManager.Login`/`Logout` over verified (or pinned) TLS; the token is the `vmware_soap_session` cookie. */
export class VsphereUpstreamLogin implements UpstreamLogin {
  login(endpoint: Endpoint, password: string): Promise<UpstreamSession> {
    return withEndpointDispatcher(endpoint, async (dispatcher) => {
      try {
        const session = await vsphereLogin({ url: endpoint.url, username: endpoint.username, password, dispatcher });
        return { token: session.cookie };
      } catch (e) {
        throw toLoginError(e, endpoint.id);
      }
    });
  }

  logout(endpoint: Endpoint, session: UpstreamSession): Promise<void> {
    return withEndpointDispatcher(endpoint, (dispatcher) => vsphereLogout({ url: endpoint.url, cookie: session.token, dispatcher }));
  }
}
