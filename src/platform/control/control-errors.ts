import { CoreError } from '../../base/errors/core-error.js';

/** The host did not answer a control request in time. */
export class ControlTimeoutError extends CoreError {
  override readonly name = 'ControlTimeoutError' as const;
  readonly code = 'CORE_CONTROL_TIMEOUT' as const;

  constructor(op: string, timeoutMs: number) {
    super(`KeyBroker did not answer "${op}" within ${Math.round(timeoutMs / 1000)} s; check the host log, or restart it`);
  }
}

/** The host answered with an error; `remoteCode` is the host's code (e.g. CORE_APPROVAL_UNKNOWN). */
export class ControlRemoteError extends CoreError {
  override readonly name = 'ControlRemoteError' as const;
  readonly code = 'CORE_CONTROL_REMOTE' as const;

  constructor(
    readonly remoteCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** The control connection broke or carried something that is not the control protocol. */
export class ControlProtocolError extends CoreError {
  override readonly name = 'ControlProtocolError' as const;
  readonly code = 'CORE_CONTROL_PROTOCOL' as const;
}

/** Something else already listens on (or occupies) the control socket path. */
export class ControlSocketInUseError extends CoreError {
  override readonly name = 'ControlSocketInUseError' as const;
  readonly code = 'CORE_CONTROL_SOCKET_IN_USE' as const;
}
