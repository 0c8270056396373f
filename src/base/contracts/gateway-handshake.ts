import { z } from 'zod';

/**
 * The gateway socket (`<home>/gateway.sock`): the bridge (what Claude Desktop runs) writes one
 * hello line naming the server and itself, the host answers one welcome line, then both
 * sides exchange MCP JSON-RPC messages as newline-delimited JSON, exactly like MCP stdio.
 */
export const GATEWAY_PROTOCOL = 'keybroker-gateway/1';

/** A single MCP message line on the gateway socket may not exceed this; longer lines are skipped unbuffered and audited. */
export const MAX_MCP_LINE_BYTES = 4 * 1024 * 1024;

/** A server name as clients address it: `vsphere`, `p6`. */
export const ServerName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected a server name such as vsphere or p6')
  // Security: server names key plain objects (tool pins, manifests, Claude's config); a name
  // that is an Object.prototype member (`constructor`) would read the prototype's.
  .refine((name) => !(name in Object.prototype), { error: (issue) => `server name "${String(issue.input)}" is reserved; choose another name` });

/** First line from the bridge. */
export const GatewayHello = z.strictObject({
  protocol: z.literal(GATEWAY_PROTOCOL),
  server: ServerName,
  /** Who runs the bridge, e.g. `claude-desktop`; refined by the MCP `initialize` clientInfo. */
  client: z.string().min(1).max(128),
  /**
   * The pid of the process that started the bridge (Claude Desktop, a shell running a script):
   * every session it opens counts as one client in a child's share (D200).
   * Self-declared like `client`; absent, the session is a client of its own.
   */
  parent: z.number().int().min(2).max(2 ** 32 - 1).optional(),
});
export type GatewayHello = z.infer<typeof GatewayHello>;

/** The host's answer; on refusal the connection closes after it. */
export const GatewayWelcome = z.union([
  z.strictObject({ ok: z.literal(true), server: ServerName }),
  z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: z.string(), message: z.string() }) }),
]);
export type GatewayWelcome = z.infer<typeof GatewayWelcome>;
