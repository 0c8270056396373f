import { z } from 'zod';
import { ApprovalDecision, ApprovalId, ApprovalRequest } from './approval.js';
import { ChildStatus, HostStatus } from './broker-status.js';
import { ServerName } from './gateway-handshake.js';
import { PolicyTestResult } from './policy.js';

/**
 * The control socket (`<home>/control.sock`): newline-delimited JSON between the CLI and
 * the host. Each line is at most MAX_CONTROL_LINE bytes; anything else is dropped and audited.
 */
export const MAX_CONTROL_LINE = 64 * 1024;

const Id = z.int().nonnegative();

/** `policy test` plans live through the child, and the plan may wait for an unlock prompt first. */
export const POLICY_TEST_TIMEOUT_MS = 120_000;

/** Every request the CLI may send, one per line. */
export const ControlRequest = z.discriminatedUnion('op', [
  z.strictObject({ id: Id, op: z.literal('status') }),
  z.strictObject({ id: Id, op: z.literal('approvals.list') }),
  z.strictObject({ id: Id, op: z.literal('approvals.decide'), approval: ApprovalId, decision: ApprovalDecision }),
  /** `target` is an endpoint name, a credential id or a domain; absent locks everything. */
  z.strictObject({ id: Id, op: z.literal('lock'), target: z.string().max(300).optional() }),
  /** The CLI changed config.json or a keychain item: re-read, and drop sessions of changed credentials. */
  z.strictObject({ id: Id, op: z.literal('config.reload'), changedCredentials: z.array(z.string().max(300)).max(1000).default([]) }),
  /** Stop one server child (if it runs) and start it again, even after a crash loop; unlocks and sessions stay (issue 16). */
  z.strictObject({ id: Id, op: z.literal('server.restart'), server: ServerName }),
  /** Which policy rule would decide this call now, on a live plan (nothing runs); issue 14. */
  z.strictObject({ id: Id, op: z.literal('policy.test'), server: ServerName, tool: z.string().min(1).max(256), args: z.record(z.string(), z.unknown()).optional() }),
]);
export type ControlRequest = z.infer<typeof ControlRequest>;
export type ControlOp = ControlRequest['op'];

/** What each op answers with. */
export const ControlResults = {
  status: HostStatus,
  'approvals.list': z.array(ApprovalRequest),
  'approvals.decide': z.strictObject({ decided: ApprovalId }),
  /** `notLoggedOut`: endpoints whose upstream logout failed or outlasted the host's bounded wait. */
  lock: z.strictObject({ locked: z.array(z.string()), notLoggedOut: z.array(z.string()).optional() }),
  'config.reload': z.strictObject({ endpoints: z.int().nonnegative() }),
  'server.restart': ChildStatus,
  'policy.test': PolicyTestResult,
} as const satisfies Record<ControlOp, z.ZodType>;
export type ControlResult<Op extends ControlOp> = z.infer<(typeof ControlResults)[Op]>;

/** One response line. Errors carry a stable code and a one-line message, never a stack. */
export const ControlResponse = z.union([
  z.strictObject({ id: Id, ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ id: Id, ok: z.literal(false), error: z.strictObject({ code: z.string(), message: z.string() }) }),
]);
export type ControlResponse = z.infer<typeof ControlResponse>;

/** The host-side operations the control socket exposes; the broker host implements it. */
export interface ControlHandler {
  status(): Promise<ControlResult<'status'>>;
  listApprovals(): Promise<ControlResult<'approvals.list'>>;
  decideApproval(id: string, decision: z.infer<typeof ApprovalDecision>): Promise<ControlResult<'approvals.decide'>>;
  lock(target: string | undefined): Promise<ControlResult<'lock'>>;
  reloadConfig(changedCredentials: readonly string[]): Promise<ControlResult<'config.reload'>>;
  restartServer(server: string): Promise<ControlResult<'server.restart'>>;
  testPolicy(server: string, tool: string, args: Record<string, unknown> | undefined): Promise<ControlResult<'policy.test'>>;
}
