import { CoreError } from '../../base/errors/core-error.js';

/** `<home>/keychain.json` is unreadable or invalid; it was left untouched. */
export class KeychainNamespaceError extends CoreError {
  override readonly name = 'KeychainNamespaceError' as const;
  readonly code = 'CORE_KEYCHAIN_NAMESPACE_INVALID' as const;

  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(
      `${file} is invalid (${detail}): it names where this home's passwords are in the OS keychain; ` +
        "restore it from a backup, or move it aside and store the passwords again with 'keybroker endpoint add'",
      options,
    );
  }
}
