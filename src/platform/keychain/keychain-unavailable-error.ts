import { CoreError } from '../../base/errors/core-error.js';

/**
 * Why the keychain could not be used: no store reachable at all, or a store that is
 * there but locked (its unlock prompt was dismissed or could not be shown).
 */
export type KeychainUnavailableReason = 'unreachable' | 'locked';

/**
 * The one-line "what to do next" for a keychain that cannot be used on `platform`.
 * Kept apart from the error so `keybroker status` can print the same advice.
 */
export function keychainUnavailableHint(platform: NodeJS.Platform, reason: KeychainUnavailableReason): string {
  switch (platform) {
    case 'linux':
      return reason === 'locked'
        ? 'the Secret Service keyring is locked: unlock the login keyring (log in to the desktop session, or use Seahorse / gnome-keyring-daemon --unlock) and retry'
        : "no Secret Service on the session bus: install and start gnome-keyring (apt-get install gnome-keyring) or KeePassXC's Secret Service, and unlock the login keyring";
    case 'darwin':
      return 'the login Keychain could not be used: unlock it (Keychain Access > File > Unlock Keychain "login") and allow KeyBroker access when asked';
    case 'win32':
      return 'Windows Credential Manager could not be used: make sure the Credential Manager service (VaultSvc) is running and you are signed in to your Windows account';
    default:
      return `no supported OS keychain on ${platform}: KeyBroker needs the macOS Keychain, Windows Credential Manager or a Secret Service on Linux`;
  }
}

/**
 * The OS keychain is missing, unreachable or locked, so no credential can be read or
 * stored. The message says what to install or unlock on this OS; `detail` carries the
 * keychain library's own words (never a secret) for diagnostics.
 */
export class KeychainUnavailableError extends CoreError {
  override readonly name = 'KeychainUnavailableError' as const;
  readonly code = 'CORE_KEYCHAIN_UNAVAILABLE' as const;

  constructor(
    /** Whether the store was unreachable or locked. */
    readonly reason: KeychainUnavailableReason,
    /** The keychain library's message, already stripped of any secret; '' when none. */
    readonly detail: string,
    options?: { cause?: unknown; platform?: NodeJS.Platform },
  ) {
    super(`Keychain unavailable: ${keychainUnavailableHint(options?.platform ?? process.platform, reason)}`, { cause: options?.cause });
  }
}
