import { CoreError } from '../../base/errors/core-error.js';

/** Another process held `config.json.lock` for longer than a change of config.json takes. */
export class ConfigLockedError extends CoreError {
  override readonly name = 'ConfigLockedError' as const;
  readonly code = 'CORE_CONFIG_LOCKED' as const;
  constructor(readonly lockFile: string, readonly pid: number | undefined) {
    super(
      `config.json is being changed by ${pid === undefined ? 'another process' : `pid ${pid}`} (lock ${lockFile}) and it did not finish; ` +
        `retry in a moment, or delete ${lockFile} if no keybroker command or KeyBroker app is running`,
    );
  }
}
