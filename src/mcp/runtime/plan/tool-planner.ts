import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, McpError, type CallToolResult, type ServerNotification, type ServerRequest, type ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { PlanChange } from '../../../base/contracts/approval.js';
import { APPROVED_META_KEY, ApprovedMeta, PlanRequest, type PlanResult, type Precondition } from '../../../base/contracts/plan-protocol.js';
import { asClient } from '../../../connectors/client-turns.js';
import { clientOfCall } from '../toolkit/client-of-call.js';
import { reportCancelledEnd } from '../toolkit/cancelled-end.js';
import { planHash } from './plan-hash.js';
import { toolFailure as failed } from '../toolkit/tool-result.js';
import type { TargetFacts } from '../../../base/contracts/policy.js';

/** What a tool's plan step returns (the runtime adds the hash). */
export interface PlanDraft {
  /** One plain-language line: "Power off VM web-01 (now poweredOn, 2 vCPU, on esx-07)". */
  readonly summary: string;
  readonly changes: readonly PlanChange[];
  /** The targets, named with their ids, for the audit: "VM web-01 (vm-42)". */
  readonly objects: readonly string[];
  readonly precondition: Precondition;
  /** What policy rules match on, one object per target VM or project (issue 14). */
  readonly facts?: readonly TargetFacts[];
}

/** The request extra a tool handler gets from the SDK. */
export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** A tool that changes something: how to plan it, re-check its plan, and run it. */
export interface PlannedTool<Shape extends z.ZodRawShape> {
  readonly title: string;
  readonly description: string;
  readonly inputSchema: Shape;
  readonly outputSchema?: z.ZodRawShape;
  readonly annotations: ToolAnnotations;
  /**
   * Validate beyond the schema (the tool's own guards), read live state, and describe the
   * change. Must not change anything. Throws the tool's own error for an invalid call.
   */
  plan(args: z.output<z.ZodObject<Shape>>): Promise<PlanDraft>;
  /**
   * Re-read `precondition` just before running: a plain sentence saying what changed since
   * the approval, or undefined when everything still holds.
   */
  recheck(args: z.output<z.ZodObject<Shape>>, precondition: Precondition): Promise<string | undefined>;
  run(args: z.output<z.ZodObject<Shape>>, extra: ToolExtra): Promise<CallToolResult>;
}

/** Options of a server's ToolPlanner. */
export interface ToolPlannerOptions {
  /** The text a failed plan step or call reports: the server's error policy (codes, messages; a bug as a generic sentence). */
  readonly errorText: (error: unknown, tool: string) => string;
  /**
   * True (after logging it) when `tool` failed because its request was cancelled; the planner
   * then rethrows, and the SDK replies nothing to a cancelled request. Default: never.
   */
  readonly cancelled?: (tool: string, signal: AbortSignal | undefined) => boolean;
}

/**
 * The precondition a call was approved with, when it carries one: lets `run` act on exactly
 * the objects the plan read (by id), not whatever a name resolves to by then.
 */
export function approvedPrecondition(extra: ToolExtra): Precondition | undefined {
  const meta = ApprovedMeta.safeParse(extra._meta?.[APPROVED_META_KEY]);
  return meta.success ? meta.data.precondition : undefined;
}


/** The SDK's wording for invalid arguments, so a plan refusal reads like the call's own error. */
function invalidArguments(tool: string, error: z.ZodError): string {
  const detail = error.issues.map((i) => (i.path.length ? `${i.message} at ${i.path.map(String).join('.')}` : i.message)).join('\n');
  return `Input validation error: Invalid arguments for tool ${tool}: ${detail}`;
}

/**
 * The plan step of a server's write tools (issue 11; DECISIONS "plan step"). Answers the
 * gateway's `keybroker/plan` request (validate with the tool's schema and guards, read live
 * state, describe the change, nothing changed), and wraps each tool's handler so a call that
 * carries `_meta["keybroker/approved"]` re-reads the approved precondition first and refuses,
 * without running, when anything changed. Shared by every server (src/mcp/runtime).
 */
export class ToolPlanner {
  private readonly tools = new Map<string, { schema: z.ZodObject<z.ZodRawShape>; plan: (args: never) => Promise<PlanDraft> }>();

  constructor(private readonly server: McpServer, private readonly options: ToolPlannerOptions) {
    // A plan runs as the client the gateway numbered (D201's `_meta["keybroker/client"]`), like the
    // call it plans: its reads take their turns between clients, not first come first served.
    // A cancelled plan tells the gateway when it has really ended, so its place comes back then.
    server.server.setRequestHandler(PlanRequest, (request, extra): Promise<PlanResult> => reportCancelledEnd(server.server, extra, () => asClient(clientOfCall(extra), () => this.planCall(request.params.name, request.params.arguments, extra.signal))));
  }

  /** Register `tool` on the server, with its plan step and the approved-precondition check. */
  register<Shape extends z.ZodRawShape>(name: string, tool: PlannedTool<Shape>): void {
    const schema = z.object(tool.inputSchema);
    this.tools.set(name, { schema, plan: tool.plan as (args: never) => Promise<PlanDraft> });
    // A cancelled call tells the gateway when it has really ended, so its place comes back then.
    const handler = (args: z.output<z.ZodObject<Shape>>, extra: ToolExtra): Promise<CallToolResult> => reportCancelledEnd(this.server.server, extra, async () => {
      const approved = extra._meta?.[APPROVED_META_KEY];
      if (approved !== undefined) {
        const meta = ApprovedMeta.safeParse(approved);
        // Security: a malformed approval is no approval; refuse rather than run unchecked.
        if (!meta.success) return failed(`${name} was not run: the approval it carried is malformed; call it again`);
        let changed: string | undefined;
        try {
          changed = await tool.recheck(args, meta.data.precondition);
        } catch (e) {
          if (this.options.cancelled?.(name, extra.signal)) throw e;
          return failed(`${name} was not run: re-checking what you approved failed: ${this.options.errorText(e, name)}`);
        }
        // Security: the world changed since the person approved; what they saw no longer holds.
        if (changed !== undefined) return failed(changed);
      }
      try {
        return await asClient(clientOfCall(extra), () => tool.run(args, extra));
      } catch (e) {
        if (e instanceof McpError) throw e;
        if (this.options.cancelled?.(name, extra.signal)) throw e;
        return failed(this.options.errorText(e, name));
      }
    });
    const config = { title: tool.title, description: tool.description, inputSchema: tool.inputSchema, outputSchema: tool.outputSchema, annotations: tool.annotations };
    // The SDK's generic callback type cannot follow Shape through; the handler gets exactly the parsed Shape.
    this.server.registerTool(name, config, handler as never);
  }

  /** Names of the tools that have a plan step. */
  names(): string[] {
    return [...this.tools.keys()];
  }

  private async planCall(name: string, args: Record<string, unknown> | undefined, signal?: AbortSignal): Promise<PlanResult> {
    const tool = this.tools.get(name);
    if (!tool) throw new McpError(ErrorCode.MethodNotFound, `${name} has no plan step`);
    const parsed = await tool.schema.safeParseAsync(args ?? {});
    if (!parsed.success) return { ok: false, error: invalidArguments(name, parsed.error) };
    try {
      const draft = await tool.plan(parsed.data as never);
      const hash = planHash({ tool: name, args: parsed.data, summary: draft.summary, changes: draft.changes, objects: draft.objects, precondition: draft.precondition });
      return { ok: true, plan: { summary: draft.summary, changes: [...draft.changes], objects: [...draft.objects], precondition: draft.precondition, hash, ...(draft.facts && { facts: [...draft.facts] }) } };
    } catch (e) {
      if (this.options.cancelled?.(name, signal)) throw e;
      return { ok: false, error: this.options.errorText(e, name).slice(0, 4096) || `${name} could not be planned` };
    }
  }
}
