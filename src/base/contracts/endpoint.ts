import { EndpointSchema, type Endpoint as AnyEndpoint } from '../kinds/registry.js';

export { TlsSettings } from './endpoint-base.js';
export { P6Endpoint, P6LoginVariant } from '../kinds/p6.js';
export { VsphereEndpoint } from '../kinds/vsphere.js';

/**
 * One upstream system (DESIGN.md "Credentials, unlock and sessions"): an endpoint of any
 * registered kind (base/kinds/registry.ts). The common fields are in ./endpoint-base.ts;
 * each kind's own fields are in its descriptor under base/kinds/.
 */
export const Endpoint = EndpointSchema;
export type Endpoint = AnyEndpoint;
