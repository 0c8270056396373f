import type { TokenGrant } from '../../base/contracts/token-protocol.js';
import { Emitter } from '../../base/events/emitter.js';
import { createUpstreamDispatcher, vsphereLogin, vsphereLogout } from '../../connectors/vsphere/index.js';
import type { TokenSource } from '../runtime/token-source.js';

/** The name standalone mode answers to; any `endpoint` argument maps to the one vCenter. */
export const STANDALONE_ENDPOINT = 'standalone';

/** Sessions last until the server ends them; renew handles expiry, so the grant never expires. */
const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

/**
 * DEVELOPMENT MODE ONLY (`--stdio`): a TokenSource that logs in with VSPHERE_URL,
 * VSPHERE_USER, VSPHERE_PASSWORD (and VSPHERE_FINGERPRINT to pin a self-signed
 * certificate) from the environment. Under KeyBroker the broker holds the password and
 * the server never sees it; here the process does, which is why this is not the product path.
 */
export function createStandaloneTokens(env: NodeJS.ProcessEnv): TokenSource & { dispose(): Promise<void> } {
  const url = env['VSPHERE_URL'];
  const username = env['VSPHERE_USER'];
  const password = env['VSPHERE_PASSWORD'];
  if (!url || !username || !password) {
    throw new Error('standalone mode needs VSPHERE_URL, VSPHERE_USER and VSPHERE_PASSWORD in the environment (and VSPHERE_FINGERPRINT for a self-signed certificate)');
  }
  const fingerprintSha256 = env['VSPHERE_FINGERPRINT'] || undefined;
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256 });
  const revoke = new Emitter<string>();
  let current: Promise<TokenGrant> | undefined;
  let seq = 0;
  const login = (endpoint: string): Promise<TokenGrant> => {
    const p = vsphereLogin({ url, username, password, dispatcher }).then(
      (s): TokenGrant => ({ ch: 'broker', t: 'token.grant', id: `s${++seq}`, endpoint, token: s.cookie, expiresAt: FAR_FUTURE, upstream: { url, fingerprintSha256 } }),
    );
    // A failed login is reported to this caller and not cached: the next call tries again.
    current = p.catch((error: unknown) => {
      current = undefined;
      throw error;
    });
    return current;
  };
  return {
    get: (endpoint) => current ?? login(endpoint),
    async renew(endpoint, stale) {
      const now = current && (await current.catch(() => undefined));
      if (now && now.token !== stale) return now; // Someone already renewed.
      return login(endpoint);
    },
    onDidRevoke: revoke.event,
    // One vCenter from the environment; no consent in development mode, so never "locked".
    listEndpoints: async () => [{ name: STANDALONE_ENDPOINT, host: new URL(url).host, readOnly: false, state: 'unlocked' as const }],
    async dispose() {
      const grant = current && (await current.catch(() => undefined));
      if (grant) await vsphereLogout({ url, cookie: grant.token, dispatcher }).catch(() => undefined);
      revoke.dispose();
      await dispatcher.close();
    },
  };
}
