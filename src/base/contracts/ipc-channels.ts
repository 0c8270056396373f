import { z } from 'zod';
import { ApprovalDecision, ApprovalId, ApprovalRequest } from './approval.js';
import { AuditEventName, AuditRecord } from './audit-event.js';
import { HostStatus } from './broker-status.js';
import { EndpointName } from './names.js';
import { EndpointKind } from '../kinds/registry.js';

/** No payload. */
const Empty = z.strictObject({});

/** An endpoint as the settings window edits it. The password is write-only (issue 7). */
/**
 * A form's kind fields by key. Security: keys come from the renderer; zod's record would drop
 * an own `__proto__` key silently, so it is refused first, and a key is a plain word.
 */
const KindFieldValues = z
  .unknown()
  .refine((v) => typeof v !== 'object' || v === null || !Object.hasOwn(v, '__proto__'), { error: 'a kind field is named by a word such as database' })
  .pipe(z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, { error: 'a kind field is named by a word such as database' }), z.string().max(256)).refine((r) => Object.keys(r).length <= 16, { error: 'at most 16 kind fields' }));

export const EndpointForm = z.strictObject({
  id: EndpointName,
  kind: EndpointKind,
  url: z.string().url().max(2048),
  username: z.string().min(1).max(256),
  /** The kind's own fields by key (P6: `database`, `loginVariant`); see KindForm. */
  fields: KindFieldValues.optional(),
  /** Share the credential of this DNS domain (`corp.example`); fixed once the endpoint exists. */
  domain: z.string().max(253).optional(),
  /** Absolute path of a PEM CA file to trust for this endpoint. */
  caFile: z.string().max(4096).optional(),
  readOnly: z.boolean(),
  ttlSeconds: z.int().min(60).max(7 * 24 * 3600),
  fingerprintSha256: z.string().max(200).optional(),
  /** Security: travels renderer → main → keychain once; never stored in the renderer nor echoed back. */
  password: z.string().min(1).max(4096).optional(),
});
export type EndpointForm = z.infer<typeof EndpointForm>;

/** An endpoint as listed back to the settings window: never a password. */
export const EndpointSummary = EndpointForm.omit({ password: true });
export type EndpointSummary = z.infer<typeof EndpointSummary>;

/**
 * What an endpoint save answers: its name, and `warning` when config.json was saved but the
 * keychain item's last write failed: a typed password's final write (D246), or the binding of a
 * domain's stored password to the endpoint (D255). One line that says what state the item
 * is in and what to do next; never the password.
 */
export const EndpointSaved = z.strictObject({ id: EndpointName, warning: z.string().max(1000).optional() });
export type EndpointSaved = z.infer<typeof EndpointSaved>;

/** One kind field as the settings form shows it (from the kind's descriptor, base/kinds/). */
export const KindFormField = z.strictObject({
  key: z.string().max(64),
  label: z.string().max(100),
  required: z.boolean(),
  /** Shown after the user name in the list of endpoints. */
  listed: z.boolean(),
  /** The allowed values, first is the default: a `<select>`; a text field otherwise. */
  choices: z.array(z.string().max(64)).max(32).optional(),
});
export type KindFormField = z.infer<typeof KindFormField>;

/** One registered kind as the settings form offers it (issue 13 item 1). */
export const KindForm = z.strictObject({
  id: EndpointKind,
  title: z.string().max(100),
  urlExample: z.string().max(200),
  fields: z.array(KindFormField).max(16),
});
export type KindForm = z.infer<typeof KindForm>;

/** Filter of the audit log view. */
export const AuditFilter = z.strictObject({
  event: AuditEventName.optional(),
  endpoint: z.string().max(64).optional(),
  /** Case-insensitive substring over the record's fields. */
  text: z.string().max(200).optional(),
  limit: z.int().min(1).max(5000).default(500),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

/** The HTTP front door as the settings window shows it (no key). */
export const HttpDoorSettings = z.strictObject({
  enabled: z.boolean(),
  port: z.int().min(0).max(65535),
  corsOrigins: z.array(z.string().max(512)).max(32),
});
export type HttpDoorSettings = z.infer<typeof HttpDoorSettings>;

/**
 * What "Install in Claude Desktop" did. The app installs extensions (docs/DECISIONS.md
 * D35): `configPath` is the folder the `.mcpb` bundles were written to, `changes`
 * one line per server (opened, or how to install it by hand).
 */
export const ClaudeInstallResult = z.strictObject({
  configPath: z.string(),
  changes: z.array(z.string()),
  backupPath: z.string().optional(),
});
export type ClaudeInstallResult = z.infer<typeof ClaudeInstallResult>;

/** Where "Install command-line tool" put the `keybroker` launcher, and what to do next. */
export const CliToolResult = z.strictObject({ file: z.string(), onPath: z.boolean(), message: z.string().max(1000) });
export type CliToolResult = z.infer<typeof CliToolResult>;

/** Whether screen lock and sleep lock everything (config `unlock.lockOnScreenLock`). */
export const PowerSettings = z.strictObject({ lockOnScreenLock: z.boolean() });
export type PowerSettings = z.infer<typeof PowerSettings>;

/**
 * The approval popup asks to be this tall (its content's natural height, CSS pixels); main
 * clamps it between its minimum and maximum and the display, and answers what it applied
 * (issue 11). Only the popup page may send it.
 */
export const PopupFitRequest = z.strictObject({ height: z.int().min(1).max(10_000) });

/**
 * Every renderer → main request (STYLE.md §2). Channel names appear nowhere else: the
 * preload and `main/ipc/handle.ts` both take them from here.
 */
export const ipcChannels = {
  'approvals:list': { req: Empty, res: z.array(ApprovalRequest) },
  'approvals:decide': { req: z.strictObject({ id: ApprovalId, decision: ApprovalDecision }), res: z.strictObject({ decided: ApprovalId }) },
  'popup:fit': { req: PopupFitRequest, res: z.strictObject({ height: z.int().min(0) }) },
  'status:get': { req: Empty, res: HostStatus },
  'lock': { req: z.strictObject({ target: z.string().max(300).optional() }), res: z.strictObject({ locked: z.array(z.string()), notLoggedOut: z.array(z.string()).optional() }) },
  'kinds:list': { req: Empty, res: z.array(KindForm) },
  'endpoints:list': { req: Empty, res: z.array(EndpointSummary) },
  'endpoints:add': { req: EndpointForm, res: EndpointSaved },
  'endpoints:edit': { req: EndpointForm, res: EndpointSaved },
  'endpoints:remove': { req: z.strictObject({ id: EndpointName }), res: z.strictObject({ id: EndpointName }) },
  // Tests the form as typed (password required): logs in and straight out, stores nothing.
  'endpoints:test': { req: EndpointForm.required({ password: true }), res: z.strictObject({ ok: z.boolean(), message: z.string().max(1000) }) },
  'audit:query': { req: AuditFilter, res: z.array(AuditRecord) },
  'servers:restart': { req: z.strictObject({ name: z.string().min(1).max(64) }), res: z.strictObject({ name: z.string() }) },
  'http:get': { req: Empty, res: HttpDoorSettings },
  'http:set': { req: HttpDoorSettings, res: HttpDoorSettings },
  'http:reveal-key': { req: Empty, res: z.strictObject({ apiKey: z.string().optional() }) },
  'http:regenerate-key': { req: Empty, res: z.strictObject({ apiKey: z.string() }) },
  'claude:install': { req: Empty, res: ClaudeInstallResult },
  'cli:install': { req: Empty, res: CliToolResult },
  'power:get': { req: Empty, res: PowerSettings },
  'power:set': { req: PowerSettings, res: PowerSettings },
} as const;

/** Every main → renderer event. The preload validates these on receipt too. */
export const ipcEvents = {
  'approvals:changed': z.array(ApprovalRequest),
  'status:changed': HostStatus,
  'audit:appended': AuditRecord,
} as const;

/** A renderer → main channel name. */
export type IpcChannel = keyof typeof ipcChannels;
/** A main → renderer event name. */
export type IpcEvent = keyof typeof ipcEvents;
/** What the renderer sends on `C` (before defaults are applied). */
export type IpcRequest<C extends IpcChannel> = z.input<(typeof ipcChannels)[C]['req']>;
/** What the handler of `C` receives, after validation. */
export type IpcParsedRequest<C extends IpcChannel> = z.output<(typeof ipcChannels)[C]['req']>;
/** What `C` answers. */
export type IpcResponse<C extends IpcChannel> = z.output<(typeof ipcChannels)[C]['res']>;
/** The payload of event `E`. */
export type IpcEventPayload<E extends IpcEvent> = z.output<(typeof ipcEvents)[E]>;

/** Error shape that crosses IPC instead of an Error object (STYLE.md §8). */
export const IpcErrorWire = z.strictObject({ code: z.string(), message: z.string() });
