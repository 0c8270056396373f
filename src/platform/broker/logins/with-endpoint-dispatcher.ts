import type { Dispatcher } from 'undici';
import type { Endpoint } from '../../../base/contracts/endpoint.js';
import { createUpstreamDispatcher } from '../../../connectors/tls/index.js';
import type { CaText } from '../../config/read-ca-file.js';
import { readEndpointCa } from './read-endpoint-ca.js';

/**
 * Run `fn` with a dispatcher verifying `endpoint`'s TLS as configured (pin or CA), closed
 * afterwards: logins are rare, so a fresh, never-shared connection pool is the safe default.
 * `caFile`: the CA file as the caller read it (readEndpointCa).
 */
export async function withEndpointDispatcher<T>(endpoint: Endpoint, fn: (dispatcher: Dispatcher) => Promise<T>, caFile?: CaText): Promise<T> {
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256: endpoint.tls.fingerprintSha256, ca: readEndpointCa(endpoint, caFile) });
  try {
    return await fn(dispatcher);
  } finally {
    await dispatcher.close();
  }
}
