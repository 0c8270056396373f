import { CoreError } from '../../base/errors/core-error.js';

/** Something else already listens on (or occupies) the gateway socket path. */
export class GatewaySocketInUseError extends CoreError {
  override readonly name = 'GatewaySocketInUseError' as const;
  readonly code = 'CORE_GATEWAY_SOCKET_IN_USE' as const;
}

/** The host answered the hello with `ok:false`; `remoteCode` is the host's code. */
export class GatewayRefusedError extends CoreError {
  override readonly name = 'GatewayRefusedError' as const;
  readonly code = 'CORE_GATEWAY_REFUSED' as const;

  constructor(
    readonly remoteCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** The gateway handshake did not complete: no welcome in time, or one we cannot read. */
export class GatewayHandshakeError extends CoreError {
  override readonly name = 'GatewayHandshakeError' as const;
  readonly code = 'CORE_GATEWAY_HANDSHAKE' as const;
}
