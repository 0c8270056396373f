import { CoreError } from '../../base/errors/core-error.js';

/** Which keychain operation failed; part of the message so the user knows what did not happen. */
export type KeychainOperation = 'read' | 'store' | 'delete';

/**
 * A keychain failure other than "unavailable": an ambiguous item (two entries for one
 * credential, written by another program), an item that is not UTF-8 text, or a value
 * the platform rejects. The message names the credential id, never the secret.
 */
export class KeychainError extends CoreError {
  override readonly name = 'KeychainError' as const;
  readonly code = 'CORE_KEYCHAIN_FAILED' as const;

  constructor(
    /** The operation that failed. */
    readonly operation: KeychainOperation,
    /** The credential id (keychain account) involved. */
    readonly account: string,
    /** The keychain library's message, already stripped of any secret. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Keychain ${operation} failed for credential "${account}" (${detail}); ` +
        'inspect or remove the KeyBroker items for it in the OS keychain, then retry',
      options,
    );
  }
}
