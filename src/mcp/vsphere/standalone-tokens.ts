import { createUpstreamDispatcher, vsphereLogin, vsphereLogout } from '../../connectors/vsphere/index.js';
import { requireEnv, StandaloneTokens } from '../runtime/toolkit/index.js';

/** The name standalone mode answers to; any `endpoint` argument maps to the one vCenter. */
export const STANDALONE_ENDPOINT = 'standalone';

/**
 * DEVELOPMENT MODE ONLY (`--stdio`): the toolkit's StandaloneTokens logging in with
 * VSPHERE_URL, VSPHERE_USER, VSPHERE_PASSWORD (and VSPHERE_FINGERPRINT to pin a self-signed
 * certificate) from the environment. Under KeyBroker the broker holds the password and the
 * server never sees it. Sessions last until vCenter ends them (renewal handles that) and are
 * logged out at dispose. Throws StandaloneEnvError when a variable is missing.
 */
export function createStandaloneTokens(env: NodeJS.ProcessEnv): StandaloneTokens {
  const given = requireEnv(env, ['VSPHERE_URL', 'VSPHERE_USER', 'VSPHERE_PASSWORD'], ' (and VSPHERE_FINGERPRINT for a self-signed certificate)');
  const url = given.VSPHERE_URL;
  const fingerprintSha256 = env['VSPHERE_FINGERPRINT'] || undefined;
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256 });
  return new StandaloneTokens({
    endpoint: STANDALONE_ENDPOINT,
    upstream: { url, fingerprintSha256 },
    login: async () => ({ token: (await vsphereLogin({ url, username: given.VSPHERE_USER, password: given.VSPHERE_PASSWORD, dispatcher })).cookie }),
    logout: (cookie) => vsphereLogout({ url, cookie, dispatcher }),
    close: () => dispatcher.close(),
  });
}
