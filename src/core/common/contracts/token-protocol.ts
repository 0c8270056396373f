import { z } from 'zod';
import { EndpointName } from './names.js';

/** Frames larger than this are dropped and audited before they are parsed (DESIGN.md "Token protocol"). */
export const MAX_FRAME_BYTES = 64 * 1024;

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

export const TokenGrant = z.strictObject({
  ch: z.literal('broker'),
  t: z.literal('token.grant'),
  id: RequestId,
  endpoint: EndpointName,
  token: SessionToken,
  /** Epoch milliseconds after which the child must ask again. */
  expiresAt: z.number().int().nonnegative(),
  upstream: z.strictObject({
    url: z.string().url(),
    fingerprintSha256: z.string().optional(),
    /** PEM of the endpoint's custom CA, so the child can verify TLS without reading files. */
    ca: z.string().max(64 * 1024).optional(),
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

/** Frames a child may send to the host on the broker channel. */
export const ChildToHostBroker = z.discriminatedUnion('t', [TokenRequest, TokenRenew]);
/** Frames the host sends to a child on the broker channel. */
export const HostToChildBroker = z.discriminatedUnion('t', [TokenGrant, TokenDeny, TokenRevoke]);

/** An MCP JSON-RPC message riding the same channel; the SDK validates its inside. */
export const McpFrame = z.strictObject({ ch: z.literal('mcp'), msg: z.record(z.string(), z.unknown()) });

/** Anything a child may send to the host. */
export const ChildFrame = z.union([ChildToHostBroker, McpFrame]);

export type TokenRequest = z.infer<typeof TokenRequest>;
export type TokenRenew = z.infer<typeof TokenRenew>;
export type TokenGrant = z.infer<typeof TokenGrant>;
export type TokenDeny = z.infer<typeof TokenDeny>;
export type TokenRevoke = z.infer<typeof TokenRevoke>;
export type ChildToHostBroker = z.infer<typeof ChildToHostBroker>;
export type HostToChildBroker = z.infer<typeof HostToChildBroker>;
export type McpFrame = z.infer<typeof McpFrame>;
export type ChildFrame = z.infer<typeof ChildFrame>;
