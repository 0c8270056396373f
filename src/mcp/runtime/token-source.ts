import type { EndpointSummary, TokenGrant } from '../../base/contracts/token-protocol.js';
import type { Event } from '../../base/events/emitter.js';

/**
 * Where a server's tools get upstream sessions: the broker over the host channel
 * (TokenClient), or, in standalone development mode, a login of the server's own with
 * credentials from env. Tools never see which.
 */
export interface TokenSource {
  /**
   * A session for `endpoint` (the broker may prompt the user first). When `signal` aborts
   * (the tool call was cancelled) the caller stops waiting at once, rejecting with its reason.
   */
  get(endpoint: string, signal?: AbortSignal): Promise<TokenGrant>;
  /** The upstream rejected `stale` (NotAuthenticated / 401): get a fresh one; `signal` as for {@link get}. */
  renew(endpoint: string, stale: string, signal?: AbortSignal): Promise<TokenGrant>;
  readonly onDidRevoke: Event<string>;
  /** The endpoints this server may use, with host, read-only and lock state; never a secret (`*_list_endpoints`). */
  listEndpoints(): Promise<EndpointSummary[]>;
}
