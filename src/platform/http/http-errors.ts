import { CoreError } from '../../base/errors/core-error.js';

/** The configured HTTP port is taken by another program (or another KeyBroker). */
export class HttpPortInUseError extends CoreError {
  override readonly name = 'HttpPortInUseError' as const;
  readonly code = 'CORE_HTTP_PORT_IN_USE' as const;

  constructor(
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`port ${port} on 127.0.0.1 is already in use; pick another with 'keybroker http enable --port N' or stop the program using it`, options);
  }
}
