import { z } from 'zod';
import { EndpointName } from './names.js';

/** Short id a human types: `keybroker approve 3f9a2c1e`. */
export const ApprovalId = z.string().regex(/^[0-9a-f]{8}$/, 'expected the 8-character id shown by `keybroker approvals`');
export type ApprovalId = z.infer<typeof ApprovalId>;

/**
 * One change a write will make, per object, as the tool's plan step read it (issue 11).
 * Values are display strings written for a person ("poweredOn", "40"), never secrets.
 */
export const PlanChange = z.strictObject({
  /** The object, named as a person knows it: "VM web-01 (vm-42)", "activity A1030 in NORTH-LINE". */
  object: z.string().max(512),
  /** What changes on it: "power state", "PercentComplete", "snapshot". */
  field: z.string().max(256),
  /** The value now; absent for something that does not exist yet. */
  before: z.string().max(1024).optional(),
  /** The value after the call; absent for something that will be removed. */
  after: z.string().max(1024).optional(),
});
export type PlanChange = z.infer<typeof PlanChange>;

/**
 * What a write will do, in plain words, bound to the approval by its hash (issue 11). The
 * precondition the plan read stays with the gateway and the child; the person sees this.
 */
export const ToolPlan = z.strictObject({
  /** One line in plain language: "Power off VM web-01 (now poweredOn, 2 vCPU, on esx-07)". */
  summary: z.string().min(1).max(1024),
  /** The structured before/after, per object. */
  changes: z.array(PlanChange).max(500),
  /** SHA-256 (hex) over the canonical plan and precondition; the approval covers exactly this. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ToolPlan = z.infer<typeof ToolPlan>;

/** Most lines a policy consent lists (D1-policyconsent); a config with more loosenings says so in its last line. */
export const MAX_POLICY_LOOSENINGS = 40;

/** Most upstream hosts an unlock request lists; `moreHosts` counts the rest. */
export const MAX_UNLOCK_HOSTS = 8;

/**
 * One upstream host as a person reads it: the URL's host, with the port when it is not the
 * scheme's default (`vcenter-prod-01.corp.example.com`, `127.0.0.1:8443`), IDNs in punycode.
 */
export const UpstreamHost = z.string().min(1).max(300);

/**
 * Longest command of a config.json server an unlock prompt carries (D7-redteam): more than any
 * command config.json allows (`node`, eight execArgv of 200 characters, a module of at most
 * MAX_SERVER_MODULE_CHARS, even a relative one resolved against a host directory of 4096),
 * so such a prompt always fits the contract and `keybroker approvals` can list it.
 */
export const MAX_CONFIG_COMMAND_CHARS = 8192;

/** What the user is asked to allow. */
export const ApprovalSubject = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('unlock'),
    /** Credential id (`endpoint:vc1` or `domain:corp.example`). */
    credential: z.string(),
    /** How long "allow" keeps it unlocked. */
    ttlSeconds: z.int().positive(),
    /**
     * Where the password goes during this unlock: the host of every endpoint that uses the
     * credential (a domain credential has several), the requesting one first. Every approver
     * shows them, so a config pointed at another server is seen before the password goes there.
     */
    hosts: z.array(UpstreamHost).min(1).max(MAX_UNLOCK_HOSTS),
    /** How many hosts beyond `hosts` also use it (shown as "and N more"). */
    moreHosts: z.int().positive().optional(),
    /**
     * The stored password has no recorded servers yet (an item from KeyBroker 0.1): allowing
     * binds it to these hosts, and from then on it goes nowhere else (D222). Every
     * approver says so in plain words.
     */
    unbound: z.literal(true).optional(),
    /**
     * The requester is a server config.json added, not a built-in one (C7-firstuse): the
     * command it runs as, so the person sees what gets the credential's session. Such a
     * server's first session of an unlock asks even while the credential is unlocked.
     * `codeSha256`: the digest of the code it runs (its module and package.json), which the
     * allow covers (D2-modulebytes); `codeChanged`: this unlock allowed it before for other
     * code, so its module was rewritten since (every approver says so).
     */
    fromConfig: z.strictObject({
      command: z.string().min(1).max(MAX_CONFIG_COMMAND_CHARS),
      codeSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
      codeChanged: z.literal(true).optional(),
    }).optional(),
  }),
  z.strictObject({
    kind: z.literal('tool'),
    tool: z.string(),
    /** Pretty-printed, size-capped JSON of the arguments, for display only (one click away). */
    argsPreview: z.string().max(16 * 1024),
    /** True when the tool changes the upstream (not `readOnlyHint: true`): the popup says so. */
    changes: z.boolean(),
    /** The plan the tool's plan step produced, shown first; absent only for tools without one. */
    plan: ToolPlan.optional(),
    /**
     * Why this call asks beyond "it changes things" (issue 14): the policy rule that asked,
     * or each blast-radius limit it hit ("limit 'power or snapshot changes' reached: 5 per
     * 10 min on endpoint vc1"). Shown above the plan.
     */
    reasons: z.array(z.string().max(512)).max(10).optional(),
  }),
  z.strictObject({
    kind: z.literal('definition'),
    /**
     * The server's tool definitions differ from the ones pinned at first use (issue 14): an
     * update, a compromise, or a hand-edited server. Approving pins the new set.
     */
    tools: z.array(z.string().max(256)).min(1).max(200),
    /** Readable diff, one line per change ("~ tool x: description changed", "- tool y removed"). */
    diff: z.string().max(16 * 1024),
    /** SHA-256 (hex) of the new set: what the approval pins. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  z.strictObject({
    kind: z.literal('policy'),
    /**
     * What config.json now lets run without a per-call approval that no person has allowed
     * (D1-policyconsent), each in plain words: "config.json now lets vsphere_power run on vc1
     * without asking (policy.allow names vsphere/vsphere_power)". The call that found it is
     * first; allowing accepts every line (the whole policy of `hash`), so every one is shown.
     */
    loosenings: z.array(z.string().max(512)).min(1).max(MAX_POLICY_LOOSENINGS),
    /** SHA-256 (hex) of the policy the approval accepts: config.json's as the prompt was made. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
]);
export type ApprovalSubject = z.infer<typeof ApprovalSubject>;

/** One pending approval, as every approver (popup, Touch ID, CLI) shows it. */
export const ApprovalRequest = z.strictObject({
  id: ApprovalId,
  /** The MCP client on whose behalf this is asked, when known (e.g. "claude-ai"). */
  client: z.string().max(256),
  /**
   * True only when the channel proves who the client is; otherwise the name is what the
   * client said of itself and is shown as "claims to be …" (issue 11).
   */
  clientVerified: z.boolean(),
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
