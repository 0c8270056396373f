import type { Endpoint } from '../../../common/contracts/endpoint.js';
import { vapiLogin, vapiLogout, vsphereLogin, vsphereLogout } from '../../../../connectors/vsphere/session/index.js';
import type { UpstreamLogin, UpstreamSession } from '../upstream-login.js';
import { toLoginError } from './to-login-error.js';
import { withEndpointDispatcher } from './with-endpoint-dispatcher.js';

/**
 * vCenter `SessionManager.Login`/`Logout` over verified (or pinned) TLS; the token is the
 * `vmware_soap_session` cookie. With the same password it also opens a vAPI REST session
 * (tags, content libraries; issue 16) and hands both to the child; a vCenter without that
 * service, or one that refuses it, still gives the vim25 session.
 */
export class VsphereUpstreamLogin implements UpstreamLogin {
  login(endpoint: Endpoint, password: string): Promise<UpstreamSession> {
    return withEndpointDispatcher(endpoint, async (dispatcher) => {
      try {
        const session = await vsphereLogin({ url: endpoint.url, username: endpoint.username, password, dispatcher });
        // The vim25 login proved the password; a vAPI failure only leaves the tag tools without a session.
        const apiToken = await vapiLogin({ url: endpoint.url, username: endpoint.username, password, dispatcher }).catch(() => undefined);
        return apiToken === undefined ? { token: session.cookie } : { token: session.cookie, apiToken };
      } catch (e) {
        throw toLoginError(e, endpoint.id);
      }
    });
  }

  logout(endpoint: Endpoint, session: UpstreamSession): Promise<void> {
    return withEndpointDispatcher(endpoint, async (dispatcher) => {
      if (session.apiToken !== undefined) await vapiLogout({ url: endpoint.url, session: session.apiToken, dispatcher }).catch(() => undefined);
      await vsphereLogout({ url: endpoint.url, cookie: session.token, dispatcher });
    });
  }
}
