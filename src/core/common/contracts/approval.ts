import { z } from 'zod';
import { EndpointName } from './names.js';

/** Short id a human types: `keybroker approve 3f9a2c1e`. */
export const ApprovalId = z.string().regex(/^[0-9a-f]{8}$/, 'expected the 8-character id shown by `keybroker approvals`');
export type ApprovalId = z.infer<typeof ApprovalId>;

/** What the user is asked to allow. */
export const ApprovalSubject = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('unlock'),
    /** Credential id (`endpoint:vc1` or `domain:corp.example`). */
    credential: z.string(),
    /** How long "allow" keeps it unlocked. */
    ttlSeconds: z.int().positive(),
  }),
  z.strictObject({
    kind: z.literal('tool'),
    tool: z.string(),
    /** Pretty-printed, size-capped JSON of the arguments, for display only. */
    argsPreview: z.string().max(16 * 1024),
  }),
]);
export type ApprovalSubject = z.infer<typeof ApprovalSubject>;

/** One pending approval, as every approver (popup, Touch ID, CLI) shows it. */
export const ApprovalRequest = z.strictObject({
  id: ApprovalId,
  /** The MCP client on whose behalf this is asked, when known (e.g. "claude-ai"). */
  client: z.string().max(256),
  /** The MCP server (child) that asked: `vsphere` or `p6`, or `cli`. */
  server: z.string().max(64),
  endpoint: EndpointName,
  subject: ApprovalSubject,
  createdAt: z.number().int(),
  /** When an unanswered prompt counts as a denial. */
  expiresAt: z.number().int(),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

/** The user's answer. "allow-ttl" only makes sense for unlocks; for tools it means allow once. */
export const ApprovalDecision = z.enum(['allow-ttl', 'allow-once', 'deny']);
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;
