import type { DenyCode } from '../../base/contracts/token-protocol.js';

/** A token request that ends in `token.deny`; the message is one safe line for the user. */
export class TokenDenied extends Error {
  override readonly name = 'TokenDenied' as const;
  constructor(readonly code: DenyCode, message: string) {
    super(message);
  }
}
