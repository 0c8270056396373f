// The one MCP server toolkit (issue 13 item 4): what every server under src/mcp/<kind>/
// builds its tools from. A server keeps only its tools, inventory and client factory.
export { ADDITIVE, DESTRUCTIVE, DESTRUCTIVE_IDEMPOTENT, IDEMPOTENT_CHANGE, LOCAL_READ_ONLY, READ_ONLY } from './annotations.js';
export { EndpointPool, type EndpointPoolOptions, type PooledConnection } from './endpoint-pool.js';
export { describeError, INTERNAL_ERROR_CODE, isExpectedToolError, stderrLog, ToolErrorPolicy, type ToolLog } from './error-policy.js';
export { McpToolError } from './mcp-tool-error.js';
export { requireEnv, StandaloneEnvError, StandaloneTokens, type StandaloneSession, type StandaloneTokensOptions } from './standalone-tokens.js';
export { cursorQueryKey } from './cursor-query.js';
export { optionalEndpointArg, pageOutputFields, pagingArgs, type PagingArgsOptions } from './tool-args.js';
export { toolFailure, toolResult } from './tool-result.js';
export { Toolkit, type PlannedToolDefinition, type ToolDefinition, type ToolkitOptions } from './toolkit.js';
