import { z } from 'zod';

/**
 * What a plan step read about one target, for `policy.rules` (issue 14). Keys are fact
 * names ({@link FACT_NAMES}); values are display strings, or lists for tags and codes.
 * Paths (`folder`, `obs`, `eps`) are written root first with `/` between names.
 */
export const TargetFacts = z.record(z.string().max(64), z.union([z.string().max(1024), z.array(z.string().max(256)).max(100)]));
export type TargetFacts = z.infer<typeof TargetFacts>;

/**
 * The facts a rule's `when` can test. vSphere: `folder` (VM folder path under the
 * datacenter's VM folder, "Lab/web"), `resourcePool`, `cluster`, `host`, `tags`
 * ("category:name"), `powerState`, `guestId`, `guestOs` (full name). P6: `project` (id),
 * `projectName`, `obs`, `eps`, `status`, `codes`.
 */
export const FACT_NAMES = ['folder', 'resourcePool', 'cluster', 'host', 'tags', 'powerState', 'guestId', 'guestOs', 'project', 'projectName', 'obs', 'eps', 'status', 'codes'] as const;
export type FactName = (typeof FACT_NAMES)[number];

/** A glob (`*` any run of characters, `?` one), or a list of globs of which one must match. */
const Globs = z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1).max(50)]);

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM, 24-hour (08:00)');

/**
 * A change window: `from`–`to` (local time in `timeZone`, default the user's), on `days`
 * (default every day). `to` before `from` spans midnight.
 */
export const TimeWindow = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1).max(7).optional(),
  from: HourMinute,
  to: HourMinute,
  timeZone: z
    .string()
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'unknown time zone; use an IANA name such as Europe/Paris')
    .optional(),
});
export type TimeWindow = z.infer<typeof TimeWindow>;

/**
 * A rule's condition over what the plan resolved (not the argument strings). Every key given
 * must hold (and); `any` holds when one of its conditions holds (or).
 */
export interface When {
  folder?: string | string[] | undefined;
  resourcePool?: string | string[] | undefined;
  cluster?: string | string[] | undefined;
  host?: string | string[] | undefined;
  tags?: string | string[] | undefined;
  powerState?: string | string[] | undefined;
  guestId?: string | string[] | undefined;
  guestOs?: string | string[] | undefined;
  project?: string | string[] | undefined;
  projectName?: string | string[] | undefined;
  obs?: string | string[] | undefined;
  eps?: string | string[] | undefined;
  status?: string | string[] | undefined;
  codes?: string | string[] | undefined;
  time?: TimeWindow | undefined;
  any?: When[] | undefined;
}
export const When: z.ZodType<When> = z.lazy(() =>
  z.strictObject({
    ...Object.fromEntries(FACT_NAMES.map((f) => [f, Globs.optional()])),
    time: TimeWindow.optional(),
    any: z.array(When).min(1).max(20).optional(),
  }),
) as z.ZodType<When>;

export const PolicyAction = z.enum(['allow', 'ask', 'deny']);
export type PolicyAction = z.infer<typeof PolicyAction>;

/** One entry of `policy.rules`; the first rule that matches decides. */
export const PolicyRule = z.strictObject({
  /** Server name (`vsphere`, `p6`) or glob; default every server. */
  server: z.string().min(1).max(64).default('*'),
  /** Tool name glob (`vsphere_snapshot_*`); default every tool. */
  tool: z.string().min(1).max(256).default('*'),
  /** Endpoint name glob; default every endpoint. */
  endpoint: z.string().min(1).max(256).default('*'),
  when: When.optional(),
  action: PolicyAction,
  /** Shown to the person and written to the audit with the decision. */
  reason: z.string().min(1).max(300),
});
export type PolicyRule = z.infer<typeof PolicyRule>;

/** At most `max` calls of the matching tools per endpoint within `windowSeconds`. */
export const RateLimit = z.strictObject({
  /** Named in the approval when hit: "power or snapshot changes". */
  name: z.string().min(1).max(100),
  /** Tool name globs the limit counts together. */
  tools: z.array(z.string().min(1).max(256)).min(1).max(50),
  max: z.int().min(0).max(100_000),
  windowSeconds: z.int().min(1).max(7 * 24 * 3600),
});
export type RateLimit = z.infer<typeof RateLimit>;

/** The default rate limits: 5 power or snapshot changes per 10 minutes per endpoint (issue 14). */
export const DEFAULT_RATE_LIMITS: RateLimit[] = [
  { name: 'power or snapshot changes', tools: ['vsphere_power', 'vsphere_snapshot_*'], max: 5, windowSeconds: 600 },
];

export const BreakerSettings = z.strictObject({
  /** Upstream failures in a row on one endpoint that open the breaker. */
  failures: z.int().min(1).max(1000).default(5),
  /** How long it stays open. */
  coolDownSeconds: z.int().min(1).max(24 * 3600).default(60),
});

/** Blast-radius limits (issue 14): hitting one holds the call for an approval that names it. */
export const PolicyLimits = z.strictObject({
  rates: z.array(RateLimit).max(50).default(DEFAULT_RATE_LIMITS),
  /** At most this many objects in one plan without an approval that says so. */
  maxObjectsPerCall: z.int().min(1).max(10_000).default(20),
  breaker: BreakerSettings.default({ failures: 5, coolDownSeconds: 60 }),
});
export type PolicyLimits = z.infer<typeof PolicyLimits>;

/** What `keybroker policy test` reports: the decision a call would get now, and why (issue 14). */
export const PolicyTestResult = z.strictObject({
  decision: PolicyAction,
  /** Index in `policy.rules` of the deciding rule; absent for the default. */
  rule: z.int().nonnegative().optional(),
  reason: z.string().max(2048),
  /** Rules skipped because their `when` could not be evaluated. */
  unevaluated: z.array(z.strictObject({ rule: z.int().nonnegative(), missing: z.string().max(512) })).max(500),
  /** Blast-radius limits the call would hit now (each makes it ask). */
  limits: z.array(z.string().max(512)).max(20),
  /** The tool's definition changed since it was pinned: a call would wait for that approval first. */
  definitionChanged: z.boolean(),
  endpoint: z.string().max(64).optional(),
  /** The live plan the decision was made on (reads have none). */
  plan: z.strictObject({ summary: z.string().max(1024), objects: z.array(z.string().max(512)).max(100), facts: z.array(TargetFacts).max(100).optional() }).optional(),
  /** Why the call fails before any decision (invalid arguments, no such endpoint); nothing else is then set. */
  error: z.string().max(4096).optional(),
});
export type PolicyTestResult = z.infer<typeof PolicyTestResult>;

export const DEFAULT_POLICY_LIMITS: PolicyLimits = { rates: DEFAULT_RATE_LIMITS, maxObjectsPerCall: 20, breaker: { failures: 5, coolDownSeconds: 60 } };
