import { CoreError } from '../../base/errors/core-error.js';

/** A client, stop or restart named a server the host does not run. */
export class ServerNotFoundError extends CoreError {
  override readonly name = 'ServerNotFoundError' as const;
  readonly code = 'CORE_SERVER_NOT_FOUND' as const;
  constructor(server: string) {
    super(`no server named "${server.slice(0, 64)}"; run 'keybroker status' to see the servers`);
  }
}
