// A TokenSource that logs in to vcsim itself, standing in for the broker in tool tests
// (the end-to-end test covers the real broker). Counts logins and renewals.
import { Emitter } from '../../../src/base/events/emitter.js';
import type { TokenGrant } from '../../../src/base/contracts/token-protocol.js';
import { createUpstreamDispatcher, vsphereLogin } from '../../../src/connectors/vsphere/index.js';
import { vapiLogin } from '../../../src/connectors/vsphere/session/vapi-session.js';
import type { TokenSource } from '../../../src/mcp/runtime/token-source.js';
import type { Vcsim } from '../../support/vcsim.js';

export interface VcsimTokens extends TokenSource {
  readonly renewals: string[];
  readonly logins: () => number;
  current(): Promise<string>;
  /** Fires onDidRevoke for `endpoint`, as the broker does when the endpoint is locked. */
  revoke(endpoint: string): void;
  close(): Promise<void>;
}

export function vcsimTokens(vcsim: Vcsim): VcsimTokens {
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
  const revoke = new Emitter<string>();
  let grant: Promise<TokenGrant> | undefined;
  let logins = 0;
  const renewals: string[] = [];
  const login = (endpoint: string): Promise<TokenGrant> => {
    logins++;
    // Both sessions from one login, as the broker's VsphereUpstreamLogin makes them.
    grant = vsphereLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher }).then(async (s) => {
      const restToken = await vapiLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher });
      return {
        ch: 'broker' as const, t: 'token.grant' as const, id: `g${logins}`, endpoint, token: s.cookie, ...(restToken ? { restToken } : {}), expiresAt: Date.now() + 3_600_000,
        upstream: { url: vcsim.url, fingerprintSha256: vcsim.fingerprintSha256 },
      };
    });
    return grant;
  };
  return {
    renewals,
    logins: () => logins,
    get: (endpoint) => grant ?? login(endpoint),
    async renew(endpoint, stale) {
      renewals.push(stale);
      const now = await grant;
      if (now && now.token !== stale) return now;
      return login(endpoint);
    },
    onDidRevoke: revoke.event,
    listEndpoints: async () => [{ name: 'vc', host: new URL(vcsim.url).host, readOnly: false, state: grant ? 'unlocked' as const : 'locked' as const }],
    current: async () => (await (grant ?? login('vc')))!.token,
    revoke: (endpoint) => revoke.fire(endpoint),
    close: () => dispatcher.close(),
  };
}
