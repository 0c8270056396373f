import { CoreError } from '../../common/errors/core-error.js';

/** A client asked for a server the host does not run. */
export class UnknownServerError extends CoreError {
  override readonly name = 'UnknownServerError' as const;
  readonly code = 'CORE_UNKNOWN_SERVER' as const;
  constructor(server: string) {
    super(`no MCP server named "${server.slice(0, 32)}"; the servers are listed by 'keybroker status'`);
  }
}
