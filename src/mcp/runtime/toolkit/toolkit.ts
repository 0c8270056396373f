import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, type CallToolResult, type ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { asClient } from '../../../connectors/client-turns.js';
import { ToolPlanner, type PlannedTool, type ToolExtra } from '../plan/tool-planner.js';
import { stderrLog, ToolErrorPolicy, type ToolLog } from './error-policy.js';
import { toolFailure } from './tool-result.js';
import { clientOfCall } from './client-of-call.js';
import { reportCancelledEnd } from './cancelled-end.js';

/** A tool that reads: name, what the model sees of it, and how it runs. */
export interface ToolDefinition<Shape extends z.ZodRawShape> {
  /** `<kind>_<verb>`, e.g. `vsphere_list_vms`; pinned by users, never renamed. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: Shape;
  readonly outputSchema?: z.ZodRawShape;
  readonly annotations: ToolAnnotations;
  run(args: z.output<z.ZodObject<Shape>>, extra: ToolExtra): Promise<CallToolResult>;
}

/** A tool that changes something: a {@link ToolDefinition} with its plan step (issue 11). */
export type PlannedToolDefinition<Shape extends z.ZodRawShape> = ToolDefinition<Shape> & Pick<PlannedTool<Shape>, 'plan' | 'recheck'>;

/** Options of a server's Toolkit. */
export interface ToolkitOptions {
  /** The server, for its log lines and the generic error sentence: `vsphere`, `p6`. */
  readonly name: string;
  /** Where an unexpected failure is logged in full; default stderr (the host logs it). */
  readonly log?: ToolLog;
}

/**
 * The one MCP server toolkit (issue 13 item 4): every server registers its tools through
 * {@link Toolkit.define}, so every tool gets the same error policy ({@link ToolErrorPolicy}:
 * expected failures as `CODE: message`, bugs as one generic sentence with the whole error in
 * the log) and every write tool the same plan step (ToolPlanner: `keybroker/plan`, the
 * approved-precondition re-check).
 */
export class Toolkit {
  readonly errors: ToolErrorPolicy;
  private readonly planner: ToolPlanner;

  constructor(private readonly server: McpServer, options: ToolkitOptions) {
    this.errors = new ToolErrorPolicy(options.name, options.log ?? stderrLog);
    this.planner = new ToolPlanner(server, { errorText: (e, tool) => this.errors.text(e, tool), cancelled: (tool, signal) => this.errors.cancelled(tool, signal) });
  }

  /** Registers `tool`; with `plan` and `recheck` it is a write tool with a plan step. */
  define<Shape extends z.ZodRawShape>(tool: ToolDefinition<Shape> | PlannedToolDefinition<Shape>): void {
    if ('plan' in tool) {
      this.planner.register(tool.name, tool);
      return;
    }
    const { name, title, description, inputSchema, outputSchema, annotations } = tool;
    // A cancelled call tells the gateway when it has really ended, so its place comes back then.
    const handler = (args: z.output<z.ZodObject<Shape>>, extra: ToolExtra): Promise<CallToolResult> => reportCancelledEnd(this.server.server, extra, async () => {
      try {
        // The call's connector requests take turns with other clients' (D201).
        return await asClient(clientOfCall(extra), () => tool.run(args, extra));
      } catch (e) {
        // Protocol errors (the SDK's own) keep their JSON-RPC form.
        if (e instanceof McpError) throw e;
        // A cancelled call is expected: one log line, and the SDK, seeing the signal aborted, replies nothing.
        if (this.errors.cancelled(name, extra.signal)) throw e;
        return toolFailure(this.errors.text(e, name));
      }
    });
    // The SDK's generic callback type cannot follow Shape through; the handler gets exactly the parsed Shape.
    this.server.registerTool(name, { title, description, inputSchema, outputSchema, annotations }, handler as never);
  }

  /** Names of the write tools (those with a plan step). */
  plannedTools(): string[] {
    return this.planner.names();
  }
}
