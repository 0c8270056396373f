import type { Endpoint } from '../../../base/contracts/endpoint.js';
import { vapiLogin, vapiLogout, vsphereLogin, vsphereLogout } from '../../../connectors/vsphere/session/index.js';
import type { UpstreamLogin, UpstreamSession } from '../upstream-login.js';
import { toLoginError } from './to-login-error.js';
import { withEndpointDispatcher } from './with-endpoint-dispatcher.js';

/** vCenter `SessionManager.Login`/`Logout` over verified (or pinned) TLS; the token is the `vmware_soap_session` cookie. */
export class VsphereUpstreamLogin implements UpstreamLogin {
  login(endpoint: Endpoint, password: string): Promise<UpstreamSession> {
    return withEndpointDispatcher(endpoint, async (dispatcher) => {
      try {
        const session = await vsphereLogin({ url: endpoint.url, username: endpoint.username, password, dispatcher });
        // The vAPI session for tags, from the same password while we still hold it (issue 16).
        // Best effort: an ESXi host has no vAPI, and SOAP tools must not fail for tags' sake.
        const restToken = await vapiLogin({ url: endpoint.url, username: endpoint.username, password, dispatcher }).catch(() => undefined);
        return { token: session.cookie, ...(restToken ? { restToken } : {}) };
      } catch (e) {
        throw toLoginError(e, endpoint.id);
      }
    });
  }

  logout(endpoint: Endpoint, session: UpstreamSession): Promise<void> {
    return withEndpointDispatcher(endpoint, async (dispatcher) => {
      if (session.restToken) await vapiLogout({ url: endpoint.url, session: session.restToken, dispatcher }).catch(() => undefined);
      await vsphereLogout({ url: endpoint.url, cookie: session.token, dispatcher });
    });
  }
}
