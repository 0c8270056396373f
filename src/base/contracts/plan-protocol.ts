import { z } from 'zod';
import { PlanChange } from './approval.js';
import { TargetFacts } from './policy.js';

/**
 * The plan step between the gateway and a server child (issue 11, DECISIONS "plan step").
 * The gateway sends this request (never a client: the gateway's client-facing server has no
 * handler for it) before any approval; the child validates the arguments, reads live state
 * and answers with a plan and a precondition without changing anything.
 */
export const PLAN_METHOD = 'keybroker/plan';

/** `_meta` key of a `tools/call` the gateway sends after the plan was approved (or allowed by policy). */
export const APPROVED_META_KEY = 'keybroker/approved';

/** `keybroker/plan` request params: the tool call to plan, as the gateway would forward it. */
export const PlanRequestParams = z.object({
  name: z.string().min(1).max(256),
  arguments: z.record(z.string(), z.unknown()).optional(),
});
export type PlanRequestParams = z.infer<typeof PlanRequestParams>;

/** The full `keybroker/plan` JSON-RPC request, as the SDK's setRequestHandler wants it. */
export const PlanRequest = z.object({ method: z.literal(PLAN_METHOD), params: PlanRequestParams });

/**
 * One object the plan read, and the values it read that must still hold just before the call
 * runs (vSphere: `config.changeVersion`, `runtime.powerState`; P6: `LastUpdateDate` and the
 * fields read). Values are strings as read; an unset property is the empty string.
 */
export const PreconditionObject = z.strictObject({
  /** How a person knows it: "VM web-01", "activity A1030". */
  object: z.string().min(1).max(512),
  /** Upstream type: `VirtualMachine`, `activity`. */
  type: z.string().min(1).max(64),
  /** Upstream id: moref value or ObjectId. */
  id: z.string().min(1).max(128),
  values: z.record(z.string().max(128), z.string().max(2048)),
});
export type PreconditionObject = z.infer<typeof PreconditionObject>;

/** What must still be true when the approved call runs. */
export const Precondition = z.array(PreconditionObject).max(100);
export type Precondition = z.infer<typeof Precondition>;

/** A plan as the child makes it: the hash is over the canonical plan, arguments and precondition. */
export const ChildPlan = z.strictObject({
  summary: z.string().min(1).max(1024),
  changes: z.array(PlanChange).max(500),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The objects the call targets, named with their ids ("VM web-01 (vm-42)"), for the audit. */
  objects: z.array(z.string().max(512)).max(100),
  precondition: Precondition,
  /**
   * What the plan resolved about each target, for `policy.rules` (issue 14): folder path,
   * cluster, power state, OBS path… Absent from a server that gives none; a rule that needs
   * a fact then never allows.
   */
  facts: z.array(TargetFacts).max(100).optional(),
});
export type ChildPlan = z.infer<typeof ChildPlan>;

/** The answer to `keybroker/plan`: a plan, or the tool's own error for an invalid call. */
export const PlanResult = z.union([
  z.object({ ok: z.literal(true), plan: ChildPlan }),
  z.object({ ok: z.literal(false), error: z.string().min(1).max(4096) }),
]);
export type PlanResult = z.infer<typeof PlanResult>;

/** `_meta["keybroker/approved"]` of the call that runs an approved plan. */
export const ApprovedMeta = z.strictObject({
  planHash: z.string().regex(/^[0-9a-f]{64}$/),
  precondition: Precondition,
});
export type ApprovedMeta = z.infer<typeof ApprovedMeta>;
