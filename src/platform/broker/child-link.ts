import type { EndpointKind } from '../../base/contracts/names.js';
import type { HostToChildBroker } from '../../base/contracts/token-protocol.js';

/**
 * A server config.json added (not a built-in one), as the person is shown it (C7-firstuse):
 * whoever can write config.json can add one, so its first session of an unlock asks.
 */
export interface ConfigServer {
  /** The command it runs as: `node [execArgv…] MODULE`. */
  readonly command: string;
  /**
   * The SHA-256 of the code this process was started with (its module and package.json, read
   * once at its start: ModuleSnapshot, D2-modulebytes). An allow covers this digest only.
   */
  readonly codeSha256: string;
}

/**
 * One connected MCP server child as the broker sees it: who it is and how to reach it.
 * The host builds it from the child's framed channel (NodeLauncher pipe or utilityProcess).
 */
export interface ChildLink {
  /** Unique per connection, e.g. `vsphere#2` after one restart. */
  readonly id: string;
  /** A child may only get tokens for endpoints of its own kind (DESIGN.md "Scope"). */
  readonly kind: EndpointKind;
  /** The server name shown in approvals and the audit trail. */
  readonly server: string;
  readonly pid?: number;
  /** Set when the child is a server config.json added; absent for a built-in server. */
  readonly fromConfig?: ConfigServer;
  send(frame: HostToChildBroker): void;
}
