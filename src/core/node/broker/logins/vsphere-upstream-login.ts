import type { Endpoint } from '../../../common/contracts/endpoint.js';
import { vsphereLogin, vsphereLogout } from '../../../../connectors/vsphere/session/index.js';
import { createUpstreamDispatcher } from '../../../../connectors/tls/index.js';
import type { UpstreamLogin, UpstreamSession } from '../upstream-login.js';
import { readEndpointCa } from './read-endpoint-ca.js';
import { toLoginError } from './to-login-error.js';

/** vCenter `SessionManager.Login`/`Logout` over verified (or pinned) TLS; the token is the `vmware_soap_session` cookie. */
export class VsphereUpstreamLogin implements UpstreamLogin {
  async login(endpoint: Endpoint, password: string): Promise<UpstreamSession> {
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: endpoint.tls.fingerprintSha256, ca: readEndpointCa(endpoint) });
    try {
      const session = await vsphereLogin({ url: endpoint.url, username: endpoint.username, password, dispatcher });
      return { token: session.cookie };
    } catch (e) {
      throw toLoginError(e, endpoint.id);
    } finally {
      await dispatcher.close();
    }
  }

  async logout(endpoint: Endpoint, session: UpstreamSession): Promise<void> {
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: endpoint.tls.fingerprintSha256, ca: readEndpointCa(endpoint) });
    try {
      await vsphereLogout({ url: endpoint.url, cookie: session.token, dispatcher });
    } finally {
      await dispatcher.close();
    }
  }
}
