// The P6 REST connector for the P6 MCP server (src/mcp/p6). platform uses only ./session.
export { P6Client, type P6ClientOptions, type P6Page, type P6ReadQuery, type P6Reply, type P6Row, type P6SessionSource } from './client/p6-client.js';
export { p6And, p6Clause, p6Field, p6In, p6Literal, type P6FilterValue } from './client/p6-filter.js';
export { resolveP6CallPath, checkP6CallQuery } from './call/resolve-p6-call-path.js';
export { p6SessionProbe, type P6SessionProbeOptions } from './client/p6-session-probe.js';
