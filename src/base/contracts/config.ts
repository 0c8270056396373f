import { z } from 'zod';
import { Endpoint } from './endpoint.js';
import { isLoopbackHost } from './endpoint-url.js';
import { CredentialId, DomainName } from './names.js';
import { EndpointKind, kindIds } from '../kinds/registry.js';
import { ServerName } from './gateway-handshake.js';
import { DEFAULT_POLICY_LIMITS, PolicyLimits, PolicyRule } from './policy.js';

/** Default unlock TTL: 4 hours, as the vSphere seed promises. */
export const DEFAULT_TTL_SECONDS = 4 * 60 * 60;
/** An unanswered approval prompt counts as a denial after this long. */
export const DEFAULT_PROMPT_TIMEOUT_SECONDS = 60;

/** A keychain credential's metadata. The secret itself lives only in the OS keychain. */
export const CredentialMeta = z.strictObject({
  id: CredentialId,
  /** Set for a domain-shared credential: one unlock serves every endpoint under it. */
  domain: DomainName.optional(),
  ttlSeconds: z.int().min(60).max(7 * 24 * 3600).default(DEFAULT_TTL_SECONDS),
});
export type CredentialMeta = z.infer<typeof CredentialMeta>;

export const HttpFrontDoor = z.strictObject({
  enabled: z.boolean().default(false),
  port: z.int().min(0).max(65535).default(0),
  apiKeyHeader: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default('x-api-key'),
  corsOrigins: z.array(z.string()).default([]),
  rateLimitPerMinute: z.int().min(1).max(100_000).default(600),
});

/**
 * A tool in `policy.allow` / `policy.approve`: `"server/tool"`, `{ "server", "tool" }`, or a
 * bare `"tool"` (the form before issue 14). Security: in `allow` a bare name matches only the
 * built-in servers' tools, so an extra configured server cannot present an allowed name
 * (base/policy/tool-list.ts); in `approve` it matches every server's.
 */
export const ToolListEntry = z.union([
  z.string().min(1).max(300).regex(/^([a-z0-9][a-z0-9-]{0,31}\/)?[^/]+$/, 'expected "server/tool" (vsphere/vsphere_power) or a tool name'),
  z.strictObject({ server: ServerName, tool: z.string().min(1).max(256) }),
]);
export type ToolListEntry = z.infer<typeof ToolListEntry>;

export const Policy = z.strictObject({
  /** Tools that always need a per-call approval, whatever their annotations say. */
  approve: z.array(ToolListEntry).default([]),
  /**
   * Tools that change things yet run without a per-call approval (issue 11: every write
   * asks unless policy explicitly allows it). `approve` wins over `allow`; a read-only endpoint
   * still refuses them.
   */
  allow: z.array(ToolListEntry).default([]),
  /**
   * Ordered rules over live inventory (issue 14): the first that matches decides allow, ask
   * or deny. None matching leaves `approve`/`allow` and "every write asks" in charge.
   */
  rules: z.array(PolicyRule).max(500).default([]),
  limits: PolicyLimits.default(DEFAULT_POLICY_LIMITS),
});

export const UnlockSettings = z.strictObject({
  promptTimeoutSeconds: z.int().min(5).max(600).default(DEFAULT_PROMPT_TIMEOUT_SECONDS),
  lockOnScreenLock: z.boolean().default(true),
});

/**
 * Header names refused in `audit.otlp.headers`: config.json holds no secret, and these
 * carry credentials. A collector that needs auth sits behind a local forwarder that adds it.
 */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie)$|token|key|secret|auth|password|credential/i;

/**
 * Live export of the audit trail to an OpenTelemetry collector (OTLP/HTTP, JSON), issue 14
 * item 5. Off unless present. Records leave as written: redacted.
 */
export const OtlpExportSettings = z.strictObject({
  /** The collector's logs URL (`https://otel.corp.example:4318/v1/logs`); `/v1/logs` when no path is given. */
  url: z.string().superRefine((raw, ctx) => {
    const problem = otlpUrlProblem(raw);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** Extra request headers (a tenant id); never credentials (see SECRET_HEADER). */
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name is letters, digits and -'), z.string().max(256))
    .refine((h) => Object.keys(h).every((k) => !SECRET_HEADER.test(k)), 'config.json holds no secret: no auth, token or key header; put the collector behind a local forwarder that adds it')
    .optional(),
});
export type OtlpExportSettings = z.infer<typeof OtlpExportSettings>;

/**
 * Why `raw` cannot be a collector URL, or undefined when it can. The endpoints' rule:
 * https, or plain http to a loopback host only.
 */
export function otlpUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL; use e.g. https://otel.corp.example:4318/v1/logs';
  }
  // Security: audit records describe who unlocked what; plain http would expose them on the network.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  if (url.username || url.password) return 'must not contain a user name or password (config.json holds no secret)';
  return undefined;
}

/**
 * Signed audit checkpoints (issue 14 item 4), off unless present: every `everyRecords`
 * records, and every `everyMinutes` minutes when records were written, the host signs the
 * chain head with an Ed25519 key kept in the keychain.
 */
export const AuditCheckpointSettings = z.strictObject({
  everyRecords: z.int().min(1).max(1_000_000).default(1000),
  everyMinutes: z.int().min(1).max(7 * 24 * 60).default(60),
});

export const AuditSettings = z.strictObject({
  maxBytes: z.int().min(64 * 1024).default(10 * 1024 * 1024),
  keep: z.int().min(1).max(100).default(5),
  otlp: OtlpExportSettings.optional(),
  checkpoints: AuditCheckpointSettings.optional(),
});

/** Longest `module` of a server in config.json (D7-redteam); real paths are far shorter. */
export const MAX_SERVER_MODULE_CHARS = 1024;

/**
 * An extra MCP server module to run as a supervised child, beside the built-in vsphere and
 * p6 servers: for developing a server, and for tests. It runs with the same allow-listed
 * environment and gets tokens only for endpoints of its `kind`.
 */
export const ExtraServer = z.strictObject({
  name: ServerName,
  kind: EndpointKind,
  /**
   * Absolute path of the server's entry module. Security (D7-redteam): at most
   * MAX_SERVER_MODULE_CHARS, so the command an unlock prompt shows for the server (`node
   * [execArgv…] MODULE`) always fits the approval's contract (MAX_CONFIG_COMMAND_CHARS) and is
   * shown whole: a longer one made every `keybroker approvals` answer an internal error.
   */
  module: z.string().min(1).max(MAX_SERVER_MODULE_CHARS, `a module path of at most ${MAX_SERVER_MODULE_CHARS} characters; move the server somewhere with a shorter path`),
  /** Runtime flags, e.g. `["--import", "tsx"]` for a TypeScript module in development. */
  execArgv: z.array(z.string().max(200)).max(8).default([]),
});
export type ExtraServer = z.infer<typeof ExtraServer>;

/** How long a child started on demand may sit with no call in flight before it is stopped: 10 minutes. */
export const DEFAULT_IDLE_STOP_SECONDS = 600;

/**
 * Children on demand (issue 17 item 5), the default: a server child starts on the first
 * request that needs it and stops after `idleStopSeconds` without a call in flight (status
 * `idle`); `tools/list` is answered from the cached manifest meanwhile. `idleStopSeconds: 0`
 * keeps every child running from the host's start (always on).
 */
const IDLE_STOP_RANGE = 'a whole number of seconds: 0 (always on) or 1 to 604800 (default 600)';

/**
 * The longest one tool call may run at a child, progress or not (D262): 1 hour. A child's
 * progress restarts a call's 10-minute deadline; this cap it never moves. An hour is well past the
 * longest task our tools wait on (a clone or OVF deploy of a large VM reports progress for minutes,
 * rarely tens of them); a user with longer ones raises `children.maxCallMinutes` up to a day.
 */
export const DEFAULT_MAX_CALL_MINUTES = 60;
const MAX_CALL_RANGE = 'a whole number of minutes from 10 (the deadline a call has without progress) to 1440 (a day); default 60';
export const ChildrenSettings = z.strictObject({
  idleStopSeconds: z.int(IDLE_STOP_RANGE).min(0, IDLE_STOP_RANGE).max(7 * 24 * 3600, IDLE_STOP_RANGE),
  /** Absent: DEFAULT_MAX_CALL_MINUTES. */
  maxCallMinutes: z.int(MAX_CALL_RANGE).min(10, MAX_CALL_RANGE).max(24 * 60, MAX_CALL_RANGE).optional(),
});
export type ChildrenSettings = z.infer<typeof ChildrenSettings>;

/** `<home>/config.json`. Holds no secret (DESIGN.md "Configuration and files"). */
export const Config = z
  .strictObject({
    version: z.literal(1),
    endpoints: z.array(Endpoint).default([]),
    credentials: z.array(CredentialMeta).default([]),
    unlock: UnlockSettings.default({ promptTimeoutSeconds: DEFAULT_PROMPT_TIMEOUT_SECONDS, lockOnScreenLock: true }),
    http: HttpFrontDoor.default({ enabled: false, port: 0, apiKeyHeader: 'x-api-key', corsOrigins: [], rateLimitPerMinute: 600 }),
    policy: Policy.default({ approve: [], allow: [], rules: [], limits: DEFAULT_POLICY_LIMITS }),
    audit: AuditSettings.default({ maxBytes: 10 * 1024 * 1024, keep: 5 }),
    servers: z.array(ExtraServer).default([]),
    children: ChildrenSettings.default({ idleStopSeconds: DEFAULT_IDLE_STOP_SECONDS }),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.endpoints.forEach((e, i) => {
      if (ids.has(e.id.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'id'], message: `duplicate endpoint name "${e.id}"` });
      ids.add(e.id.toLowerCase());
      if (!cfg.credentials.some((c) => c.id === e.credential)) {
        ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'credential'], message: `no credential "${e.credential}" in credentials` });
      }
    });
    // Every kind's id is its built-in server's name (platform/kinds), so those are taken.
    const names = new Set<string>(kindIds());
    cfg.servers.forEach((srv, i) => {
      if (names.has(srv.name)) ctx.addIssue({ code: 'custom', path: ['servers', i, 'name'], message: `server name "${srv.name}" is taken` });
      names.add(srv.name);
    });
    const creds = new Set<string>();
    cfg.credentials.forEach((c, i) => {
      if (creds.has(c.id)) ctx.addIssue({ code: 'custom', path: ['credentials', i, 'id'], message: `duplicate credential "${c.id}"` });
      creds.add(c.id);
    });
  });
export type Config = z.infer<typeof Config>;

/** The configuration of a fresh install. */
export function emptyConfig(): Config {
  return Config.parse({ version: 1 });
}
