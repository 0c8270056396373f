import { z } from 'zod';

const Hash = z.string().regex(/^[0-9a-f]{64}$/);

/** One tool's definition as pinned: what a client reads and what the gateway trusts. */
export const PinnedTool = z.strictObject({
  hash: Hash,
  /** `{ title, description, inputSchema, outputSchema, annotations }` as the server presented them. */
  definition: z.record(z.string(), z.unknown()),
});
export type PinnedTool = z.infer<typeof PinnedTool>;

/** One server's tool set as pinned at first use, or as last approved. */
export const PinnedServer = z.strictObject({
  /** SHA-256 (hex) over the whole set, names included. */
  hash: Hash,
  pinnedAt: z.iso.datetime(),
  tools: z.record(z.string().max(256), PinnedTool),
});
export type PinnedServer = z.infer<typeof PinnedServer>;

/** `<home>/tool-pins.json` (issue 14). Holds tool definitions only, never a secret. */
export const ToolPinsFile = z.strictObject({
  version: z.literal(1),
  servers: z.record(z.string().max(64), PinnedServer),
});
export type ToolPinsFile = z.infer<typeof ToolPinsFile>;
