import { CoreError } from '../errors/core-error.js';

/**
 * An endpoint as typed (CLI flags or the settings form) that cannot be saved. `field` is
 * the input it is about (`url`, `caFile`, or a kind field's key such as `database`); the
 * message already names it the way the caller's user sees it (`--url`, `URL`) and says
 * what to do next.
 */
export class EndpointInputError extends CoreError {
  override readonly name = 'EndpointInputError' as const;
  readonly code = 'CORE_ENDPOINT_INPUT' as const;

  constructor(readonly field: string, message: string) {
    super(message);
  }
}
