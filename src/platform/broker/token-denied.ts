import type { DenyCode } from '../../base/contracts/token-protocol.js';

/** A token request that ends in `token.deny`; the message is one safe line for the user. */
export class TokenDenied extends Error {
  override readonly name = 'TokenDenied' as const;
  /**
   * @param byChild the child asked for what it may never have (an endpoint that does not
   *   exist, or one of another kind): our runtime never does, as the gateway refuses such a
   *   name before a call reaches the child. Counted like a refused frame (limitInvalidFrames).
   */
  constructor(
    readonly code: DenyCode,
    message: string,
    readonly byChild = false,
    /** Refused without a prompt in a deny's cool-down (DENY_COOLDOWN_MS): audited coalesced, as it can come in floods. */
    readonly coolingDown = false,
  ) {
    super(message);
  }
}
