// Issue 17 item 3: how the host writes a JSON-RPC response on the gateway socket. The bridge
// (src/cli/bridge/host-line-head.ts) reads the id from this head and passes the line on without
// parsing it. Built-ins only: the bridge bundle imports this file.

/** Every response line the host writes starts with this, then the id as JSON (`7`, `"a"`). */
export const RESPONSE_HEAD = '{"jsonrpc":"2.0","id":';

/** After the id of a result: the result's JSON, then `}` and the newline. */
export const RESULT_AFTER_ID = ',"result":';

/** After the id of an error: the error's JSON, then `}` and the newline. */
export const ERROR_AFTER_ID = ',"error":';
