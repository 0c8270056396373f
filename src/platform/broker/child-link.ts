import type { EndpointKind } from '../../base/contracts/names.js';
import type { HostToChildBroker } from '../../base/contracts/token-protocol.js';

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
  send(frame: HostToChildBroker): void;
}
