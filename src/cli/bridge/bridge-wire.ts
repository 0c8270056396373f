// The bridge's view of the gateway protocol. It must stay built-ins only (DESIGN.md "Gateway":
// Claude Desktop starts it for every session), and base/contracts/gateway-handshake.ts
// imports zod, which a bundle cannot shake off. So the two values are repeated here and
// test/cli/bridge.test.ts checks that they equal the contract's.

/** Same as `GATEWAY_PROTOCOL` in the gateway handshake contract. */
export const BRIDGE_PROTOCOL = 'keybroker-gateway/1';

/** Same as `MAX_MCP_LINE_BYTES`: the gateway drops longer lines, so the bridge does not send them. */
export const BRIDGE_MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * Longest line accepted from the host. The host is trusted (same user, 0600 socket), and a
 * dropped answer would leave the client waiting, so this is larger than what we send.
 */
export const BRIDGE_MAX_HOST_LINE_BYTES = 64 * 1024 * 1024;

/** Longest welcome line. */
export const BRIDGE_MAX_WELCOME_BYTES = 4096;

/** How long to wait for the welcome from a host that accepted the connection. */
export const BRIDGE_WELCOME_TIMEOUT_MS = 3000;

/**
 * After stdin closes, how long answers still owed to the client are awaited before the bridge
 * leaves: a script that pipes one request in and closes stdin still gets its answer.
 */
export const BRIDGE_STDIN_CLOSED_GRACE_MS = 5000;

/** JSON-RPC "server error" range: what the bridge answers when it cannot reach a server. */
export const BRIDGE_ERROR_CODE = -32000;

/** The answer to every request while the host is not running. */
export const NOT_RUNNING_MESSAGE = 'KeyBroker is not running; start it (menu-bar app or `keybroker serve`) and reconnect';

/** The answer to requests still open when the host went away mid-session. */
export const STOPPED_MESSAGE = 'KeyBroker stopped; start it again (menu-bar app or `keybroker serve`) and reconnect';

/** Who runs the bridge unless `KEYBROKER_CLIENT` says otherwise. */
export const DEFAULT_BRIDGE_CLIENT = 'claude-desktop';
