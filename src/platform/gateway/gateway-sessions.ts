import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/** How a client reached the gateway. */
export type FrontDoor = 'socket' | 'http' | 'cli';

/** One client's MCP session on one server, as the gateway holds it. */
export interface GatewaySession {
  readonly server: string;
  /** Resolves when the session has ended (client closed, host stopping). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * What the front doors (Unix socket, Streamable HTTP, `keybroker call`) need from the gateway:
 * open one MCP server session per client connection on a transport the front door owns.
 * The gateway connects its own SDK `Server` to `transport`, so no transport is ever shared
 * between clients (DESIGN.md "Gateway").
 */
export interface GatewaySessions {
  /** Servers a client may address right now (`vsphere`, `p6`, ...). */
  servers(): string[];
  /**
   * Start serving `transport` as a session on `server`. The transport must not be started
   * yet: the gateway's `Server.connect` starts it. Rejects with a CoreError when `server` is unknown.
   */
  openSession(options: {
    server: string;
    clientLabel: string;
    /**
     * Which client the session belongs to, for sharing a child's calls in flight
     * (D200): sessions of one front door with the same key share one client's
     * share. Absent, the session is a client of its own. Never shown, logged or sent anywhere.
     */
    clientKey?: string;
    via: FrontDoor;
    transport: Transport;
  }): Promise<GatewaySession>;
}
