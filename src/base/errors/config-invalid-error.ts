import { CoreError } from './core-error.js';

/** config.json could not be read as a valid configuration; the file was left untouched. */
export class ConfigInvalidError extends CoreError {
  override readonly name = 'ConfigInvalidError' as const;
  readonly code = 'CORE_CONFIG_INVALID' as const;

  constructor(
    /** Dotted path of the first bad field, e.g. `endpoints[0].tls.verify`; '' for the whole file. */
    readonly fieldPath: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
