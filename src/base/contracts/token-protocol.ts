import { z } from 'zod';
import { EndpointName } from './names.js';

/** Frames larger than this are dropped and audited before they are parsed (DESIGN.md "Token protocol"). */
export const MAX_FRAME_BYTES = 64 * 1024;
/**
 * The largest CA file KeyBroker reads (`--ca`, the settings form, and each use). A system
 * bundle is a few hundred KiB; a grant carries the file whole, so it takes this much too.
 */
export const MAX_CA_BYTES = 1024 * 1024;

/** Correlates a request with its grant or denial. Chosen by the child; unique per child. */
const RequestId = z.string().min(1).max(64);
/** An opaque upstream session token (vSphere cookie, P6 cookie header). Never logged. */
const SessionToken = z.string().min(1).max(16 * 1024);

export const TokenRequest = z.strictObject({
  ch: z.literal('broker'),
  t: z.literal('token.request'),
  id: RequestId,
  endpoint: EndpointName,
});

export const TokenRenew = z.strictObject({
  ch: z.literal('broker'),
  t: z.literal('token.renew'),
  id: RequestId,
  endpoint: EndpointName,
  /** The token the child saw rejected; the broker logs in again only if it is still current. */
  stale: SessionToken,
});

/**
 * The child no longer wants the answer to its request `id` (the tool call waiting for it was
 * cancelled, or its client went away). The host stops waiting on the child's behalf: when no
 * other request waits on the same unlock prompt, the prompt is withdrawn. No answer follows.
 * Security: the host looks `id` up among the sending child's own requests only.
 */
export const TokenCancel = z.strictObject({
  ch: z.literal('broker'),
  t: z.literal('token.cancel'),
  id: RequestId,
});

export const TokenGrant = z.strictObject({
  ch: z.literal('broker'),
  t: z.literal('token.grant'),
  id: RequestId,
  endpoint: EndpointName,
  token: SessionToken,
  /** vSphere: a vAPI REST session (tags) made with the same login; absent where the upstream has none (issue 16). Never logged. */
  restToken: SessionToken.optional(),
  /** Epoch milliseconds after which the child must ask again. */
  expiresAt: z.number().int().nonnegative(),
  upstream: z.strictObject({
    url: z.string().url(),
    fingerprintSha256: z.string().optional(),
    /** PEM of the endpoint's custom CA, so the child can verify TLS without reading files. */
    ca: z.string().max(MAX_CA_BYTES).optional(),
    /** P6 only: the database alias, needed on some installs on every call. */
    database: z.string().optional(),
    /** The upstream user name (not secret), so a server can say whose session it uses (p6_session_info). */
    username: z.string().max(256).optional(),
  }),
});

/** Why a token was not granted. Stable strings: children branch on them. */
export const DenyCode = z.enum(['denied', 'locked', 'login_failed', 'unreachable', 'not_allowed', 'invalid']);
export type DenyCode = z.infer<typeof DenyCode>;

export const TokenDeny = z.strictObject({
  ch: z.literal('broker'),
  t: z.literal('token.deny'),
  id: RequestId,
  code: DenyCode,
  message: z.string().max(1024),
});

export const TokenRevoke = z.strictObject({
  ch: z.literal('broker'),
  t: z.literal('token.revoke'),
  endpoint: EndpointName,
});

/**
 * One endpoint as a server may describe it to the model (`*_list_endpoints`, issue 16):
 * name, where it is, whether it is read-only and whether using it will prompt. Never a
 * secret, a user name, a credential id or a URL path.
 */
export const EndpointSummary = z.strictObject({
  name: EndpointName,
  /** `host[:port]` of the endpoint URL. */
  host: z.string().min(1).max(300),
  readOnly: z.boolean(),
  /** `locked`: the next call asks the user first; `unlocked`: for the TTL; `once`: an allow-once session is live. */
  state: z.enum(['locked', 'unlocked', 'once']),
});
export type EndpointSummary = z.infer<typeof EndpointSummary>;

/** The endpoints of the child's own kind, with their lock state. Answered with `endpoints.list`. */
export const EndpointsRequest = z.strictObject({
  ch: z.literal('broker'),
  t: z.literal('endpoints.request'),
  id: RequestId,
});

/** The answer to `endpoints.request`; at most 200 endpoints keep it far below MAX_FRAME_BYTES. */
export const EndpointsList = z.strictObject({
  ch: z.literal('broker'),
  t: z.literal('endpoints.list'),
  id: RequestId,
  endpoints: z.array(EndpointSummary).max(200),
});

/** Frames a child may send to the host on the broker channel. */
export const ChildToHostBroker = z.discriminatedUnion('t', [TokenRequest, TokenRenew, TokenCancel, EndpointsRequest]);
/** Frames the host sends to a child on the broker channel. */
export const HostToChildBroker = z.discriminatedUnion('t', [TokenGrant, TokenDeny, TokenRevoke, EndpointsList]);

/** An MCP JSON-RPC message riding the same channel; the SDK validates its inside. */
export const McpFrame = z.strictObject({ ch: z.literal('mcp'), msg: z.record(z.string(), z.unknown()) });

/** Anything a child may send to the host. */
export const ChildFrame = z.union([ChildToHostBroker, McpFrame]);

export type TokenRequest = z.infer<typeof TokenRequest>;
export type TokenRenew = z.infer<typeof TokenRenew>;
export type TokenCancel = z.infer<typeof TokenCancel>;
export type TokenGrant = z.infer<typeof TokenGrant>;
export type TokenDeny = z.infer<typeof TokenDeny>;
export type TokenRevoke = z.infer<typeof TokenRevoke>;
export type EndpointsRequest = z.infer<typeof EndpointsRequest>;
export type EndpointsList = z.infer<typeof EndpointsList>;
export type ChildToHostBroker = z.infer<typeof ChildToHostBroker>;
export type HostToChildBroker = z.infer<typeof HostToChildBroker>;
export type McpFrame = z.infer<typeof McpFrame>;
export type ChildFrame = z.infer<typeof ChildFrame>;
