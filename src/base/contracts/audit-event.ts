import { z } from 'zod';

/**
 * Every event the audit log knows (DESIGN.md "Audit"). Dotted `area.what`, past tense:
 * each line records something that happened. `lock` is the user locking everything.
 */
export const AUDIT_EVENTS = [
  'unlock.requested',
  'unlock.approved',
  'unlock.denied',
  'unlock.expired',
  'session.login',
  'session.logout',
  'session.failed',
  'token.granted',
  'token.denied',
  'token.revoked',
  'tool.called',
  'tool.approved',
  'tool.denied',
  'tool.failed',
  'child.started',
  'child.exited',
  'child.restarted',
  'gateway.rejected',
  // Calls that waited for a place at their server child (a session over its share, or a full child), coalesced.
  'gateway.queued',
  'config.changed',
  'frame.invalid',
  'approval.requested',
  'approval.approved',
  'approval.denied',
  'approval.expired',
  'definition.changed',
  'definition.approved',
  'definition.denied',
  // A person allowed, or denied, a loosening of the policy config.json brought (D1-policyconsent).
  'policy.approved',
  'policy.denied',
  'host.started',
  'host.stopped',
  // Live OTLP export (issue 14 item 5): records that could not be delivered, coalesced per interval.
  'export.dropped',
  // A signed checkpoint of the hash chain (issue 14 item 4): `sig` signs this line's `prev`.
  'audit.checkpoint',
  'lock',
] as const;

/** The name of an audit event. */
export const AuditEventName = z.enum(AUDIT_EVENTS);
export type AuditEventName = z.infer<typeof AuditEventName>;

/** How the audited action ended. Stable strings: `keybroker audit` users filter on them. */
export const AuditOutcome = z.enum(['ok', 'denied', 'failed', 'timeout', 'cancelled']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/**
 * One line of `<home>/audit.log`.
 *
 * Security: strict, with no free-form bag: a key not listed here (a `password`, a tool's
 * argument values) fails validation instead of riding along into the file. Tool calls
 * record argument NAMES only. Strings are not length-limited here because some come from
 * outside (client names, tool names); the writer truncates them instead, so a long value
 * from a peer cannot turn into a failed audit write.
 */
export const AuditRecord = z.strictObject({
  /** When it happened, ISO 8601 in UTC (`2026-11-24T10:00:00.000Z`). */
  ts: z.iso.datetime(),
  event: AuditEventName,
  /** Endpoint name (`vc1`). */
  endpoint: z.string().optional(),
  /** Credential id (`endpoint:vc1`, `domain:corp.example`), never the secret. */
  credential: z.string().optional(),
  /** The MCP client as it names itself (`claude-ai`), or `cli`. */
  client: z.string().optional(),
  /** The MCP server child (`vsphere`, `p6`). */
  server: z.string().optional(),
  tool: z.string().optional(),
  outcome: AuditOutcome.optional(),
  durationMs: z.number().nonnegative().finite().optional(),
  /** A stable error or deny code (`CORE_BUG`, `not_allowed`). */
  code: z.string().optional(),
  /** A short human reason, one line. */
  reason: z.string().optional(),
  /** Names of a tool call's arguments; their values are never audited. */
  argNames: z.array(z.string()).optional(),
  /** What a call that changes something targets, named with ids ("VM web-01 (vm-42)"); issue 11. */
  objects: z.array(z.string()).optional(),
  /** The plan's one-line summary, as the person approved it (never a value marked secret). */
  planSummary: z.string().optional(),
  /** The plan's hash: what the approval covered. */
  planHash: z.string().optional(),
  /** The policy decision of a tool call (issue 14): allow, ask or deny. */
  decision: z.enum(['allow', 'ask', 'deny']).optional(),
  /** The index in `policy.rules` of the rule that made `decision`; absent for the default. */
  rule: z.int().nonnegative().optional(),
  /** Why: the rule's reason, or the default's. */
  ruleReason: z.string().optional(),
  /** The blast-radius limits a call hit, each named (issue 14). */
  limits: z.array(z.string()).optional(),
  /** The tools whose pinned definition changed (issue 14). */
  tools: z.array(z.string()).optional(),
  /** The upstream hosts an unlock sends the credential's password to, as the prompt named them (Y7-bindpw). */
  hosts: z.array(z.string()).optional(),
  /**
   * An unlock request whose stored password has no recorded servers yet (D222): the person was
   * asked to bind it to `hosts`, not only to unlock it.
   */
  unbound: z.literal(true).optional(),
  /** The command of a server config.json added, on its unlock prompt's records (C7-firstuse). */
  command: z.string().optional(),
  /**
   * The SHA-256 of the code a server config.json added was started with (its module and
   * package.json, D2-modulebytes): on its start and on its unlock prompt's records.
   */
  codeSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  pid: z.int().positive().optional(),
  approvalId: z.string().optional(),
  ttlSeconds: z.int().nonnegative().optional(),
  /** When an unlock or a token stops being valid, ISO 8601 in UTC. */
  expiresAt: z.iso.datetime().optional(),
  /**
   * A coalesced record (issue 10 item 4): how many events of this kind it stands for. Such
   * records are the bounded class of the log: they never rotate it (AuditLog.appendBounded).
   */
  count: z.int().positive().optional(),
  /** With `count`: when the first of those events happened, ISO 8601 in UTC. */
  since: z.iso.datetime().optional(),
  /** With `count`: when the last of those events happened, ISO 8601 in UTC (repeated grants, refusals in a deny's cool-down). */
  last: z.iso.datetime().optional(),
  /** `audit.checkpoint`: which key signed it (16 hex of the SHA-256 of its public key). */
  keyId: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  /**
   * `audit.checkpoint`: the Ed25519 signature (64 bytes, so 88 base64 characters) of the chain
   * head and `ts`. Exactly that form (E3-tidy), so it is a pinned field: free text up to 200
   * characters had a short live secret inside the base64 redacted, and verify refused the checkpoint.
   */
  sig: z.string().regex(/^[A-Za-z0-9+/]{86}==$/).optional(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** What a caller hands to the audit log: a record whose `ts` defaults to now. */
export type AuditInput = Omit<AuditRecord, 'ts'> & { ts?: string };

/** The fields the gateway fills in a `tool.called` record (AuditLog.appendCall stamps `ts` and `event`). */
export type ToolCallFields = Pick<AuditRecord, 'endpoint' | 'client' | 'server' | 'tool' | 'outcome' | 'durationMs' | 'reason' | 'argNames' | 'objects' | 'planSummary' | 'planHash' | 'decision' | 'rule' | 'ruleReason' | 'limits'>;
