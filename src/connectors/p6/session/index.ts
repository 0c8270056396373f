// The P6 session API: the only part of connectors/p6 that platform may import
// (DESIGN.md "Source layout": login and logout only).
export { p6Login, type P6LoginOptions, type P6Session } from './p6-login.js';
export { p6Logout, type P6LogoutOptions, type P6LogoutResult } from './p6-logout.js';
export { p6SessionProbe, type P6SessionProbeOptions } from '../client/p6-session-probe.js';
export { P6_DEFAULT_TIMEOUT_MS } from '../rest/p6-send.js';
