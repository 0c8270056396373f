import type { Endpoint } from '../../../base/contracts/endpoint.js';
import { caCertificatesOf, readCaText, type CaText } from '../../config/read-ca-file.js';
import { UpstreamLoginError } from '../upstream-login.js';

/**
 * The PEM of the endpoint's custom CA, if it has one. A missing file fails the login clearly,
 * and so does one that is no longer a regular file of at most 1 MiB (readCaCertificates).
 * `caFile`: the file as the caller already read it (an unlock: the bytes its password's
 * binding was checked against); read here when absent (a logout).
 */
export function readEndpointCa(endpoint: Endpoint, caFile?: CaText): string | undefined {
  const file = endpoint.tls.caFile;
  if (!file) return undefined;
  const read = caCertificatesOf(caFile ?? readCaText(file));
  if (read.ok) return read.text;
  throw new UpstreamLoginError('unreachable', `cannot read the CA file ${file} of ${endpoint.id}; restore it or point to another with 'keybroker endpoint update ${endpoint.id} --ca FILE'`);
}
