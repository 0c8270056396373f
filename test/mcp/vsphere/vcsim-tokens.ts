// A TokenSource that logs in to vcsim itself, standing in for the broker in tool tests
// (the end-to-end test covers the real broker). Counts logins and renewals.
import { Emitter } from '../../../src/core/common/events/emitter.js';
import type { TokenGrant } from '../../../src/core/common/contracts/token-protocol.js';
import { createUpstreamDispatcher, vapiLogin, vsphereLogin } from '../../../src/connectors/vsphere/index.js';
import type { TokenSource } from '../../../src/mcp/runtime/token-source.js';
import type { Vcsim } from '../../support/vcsim.js';

export interface VcsimTokens extends TokenSource {
  readonly renewals: string[];
  readonly logins: () => number;
  current(): Promise<string>;
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
    grant = vsphereLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher }).then(async (s) => ({
      ch: 'broker' as const, t: 'token.grant' as const, id: `g${logins}`, endpoint, token: s.cookie,
      apiToken: await vapiLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher }), expiresAt: Date.now() + 3_600_000,
      upstream: { url: vcsim.url, fingerprintSha256: vcsim.fingerprintSha256 },
    }));
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
    close: () => dispatcher.close(),
  };
}
