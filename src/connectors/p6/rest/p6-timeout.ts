import { ConnectorError } from '../../connector-error.js';

/**
 * The error for a P6 exchange whose own deadline (`AbortSignal.timeout`) fired first. Every
 * other transport failure goes through the shared `mapUpstreamError`; only the deadline is
 * P6's, as VsphereClient's per-call deadline is vSphere's.
 */
export function p6Timeout(origin: string, timeoutMs: number, cause: unknown): ConnectorError {
  return new ConnectorError('CONN_TIMEOUT', `P6 at ${origin} did not answer within ${timeoutMs} ms; check that P6 Web Services is up, then try again`, { cause });
}
