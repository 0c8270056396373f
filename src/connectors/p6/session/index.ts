// P6 login and logout: the only part of connectors/p6 that platform may import, and all it
// exports (DESIGN.md "Source layout", issue 13). The REST transport is in `rest/`; the
// session probe and the client are for the P6 MCP server, through `connectors/p6`.
export { p6Login, type P6LoginOptions, type P6Session } from './p6-login.js';
export { p6Logout, type P6LogoutOptions, type P6LogoutResult } from './p6-logout.js';
