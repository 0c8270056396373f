/**
 * vSphere login and logout: the only part of the vSphere connector that platform (the
 * broker) may import, and all it exports (issue 13). A login is two: the vim25 session
 * (`SessionManager.Login`) and the vAPI session for tags, made from the same password while
 * the broker still holds it; and the check whether a session still lives (one read, D232).
 * Every other call (the SOAP transport in `soap/`, the client) is for the vSphere MCP server,
 * through `connectors/vsphere`.
 */
export { vsphereLogin, type VsphereLoginOptions, type VsphereSession } from './vsphere-login.js';
export { vsphereLogout, type VsphereLogoutOptions } from './vsphere-logout.js';
export { vsphereSessionAlive, type VsphereSessionAliveOptions } from './vsphere-session-alive.js';
export { vapiLogin, vapiLogout, type VapiLoginOptions, type VapiLogoutOptions } from './vapi-session.js';
export { SESSION_TIMEOUT_MS } from '../../upstream-deadline.js';
