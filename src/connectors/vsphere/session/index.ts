/**
 * vSphere login and logout: the only part of the vSphere connector that platform (the
 * broker) may import. It re-exports the TLS dispatcher because the broker needs one per
 * endpoint to log in, and lint lets platform reach connectors only through `session/`.
 */
export { vsphereLogin, type VsphereLoginOptions, type VsphereSession } from './vsphere-login.js';
export { vsphereLogout, type VsphereLogoutOptions } from './vsphere-logout.js';
export {
  vsphereCurrentSession,
  vsphereSessionIsActive,
  type VsphereSessionProbeOptions,
  type VsphereUserSession,
} from '../client/vsphere-current-session.js';
export { retrieveServiceContent, BOOTSTRAP_API_VERSION, type ServiceContent, type AboutInfo } from '../soap/retrieve-service-content.js';
export { soapCall, type SoapCallOptions, type SoapCallResult } from '../soap/soap-call.js';
export { SESSION_COOKIE_NAME } from '../soap/session-cookie.js';
export type { ManagedObjectRef } from '../soap/managed-object-ref.js';
export { createUpstreamDispatcher, mapUpstreamError, type UpstreamDispatcherOptions } from '../../tls/index.js';
