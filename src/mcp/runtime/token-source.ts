import type { EndpointSummary, TokenGrant } from '../../base/contracts/token-protocol.js';
import type { Event } from '../../base/events/emitter.js';

/**
 * Where a server's tools get upstream sessions: the broker over the host channel
 * (TokenClient), or, in standalone development mode, a login of the server's own with
 * credentials from env. Tools never see which.
 */
export interface TokenSource {
  get(endpoint: string): Promise<TokenGrant>;
  /** The upstream rejected `stale` (NotAuthenticated / 401): get a fresh one. */
  renew(endpoint: string, stale: string): Promise<TokenGrant>;
  readonly onDidRevoke: Event<string>;
  /** The endpoints this server may use, with host, read-only and lock state; never a secret (`*_list_endpoints`). */
  listEndpoints(): Promise<EndpointSummary[]>;
}
