import fs from 'node:fs';
import type { Endpoint } from '../../../base/contracts/endpoint.js';
import { UpstreamLoginError } from '../upstream-login.js';

/** The PEM of the endpoint's custom CA, if it has one. A missing file fails the login clearly. */
export function readEndpointCa(endpoint: Endpoint): string | undefined {
  const file = endpoint.tls.caFile;
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new UpstreamLoginError('unreachable', `cannot read the CA file ${file} of ${endpoint.id}; restore it or point to another with 'keybroker endpoint update ${endpoint.id} --ca FILE'`);
  }
}
