import { CoreError } from '../base/errors/core-error.js';

/** A settings-window input the config would refuse; the message says what to change. */
export class SettingsInputError extends CoreError {
  override readonly name = 'SettingsInputError' as const;
  readonly code = 'CORE_SETTINGS_INVALID' as const;
}
