import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, ListToolsResultSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { PLAN_METHOD, PlanResult } from '../../base/contracts/plan-protocol.js';
import { CANCELLED_DONE_CAPABILITY } from '../../base/contracts/cancelled-done.js';
import type { ChildProcessHandle } from '../supervisor/child-process-handle.js';
import type { Clock } from '../ports/clock.js';
import { ChildMcpTransport } from './child-mcp-transport.js';
import { CALL_TIMEOUT_MS, type ForwardOptions } from './forwarded-calls.js';
import { jsonDepth } from './json-depth.js';
import { dispatchValidated } from './validated-dispatch.js';

/** Deepest nesting a tool definition may have (the vSphere and P6 servers' deepest is 10). */
export const MAX_TOOL_DEPTH = 64;

/**
 * The gateway's MCP client for one child process lifetime: initialise, list tools (all
 * pages), forward calls with progress and cancellation. A new one is made per restart.
 */
export class ChildConnection {
  readonly transport: ChildMcpTransport;
  /** Asks our runtime's children to say when a cancelled handler has ended (`keybroker/cancelled-done`), so its place comes back then. */
  private readonly client = new Client({ name: 'keybroker-gateway', version: '1' }, { capabilities: { experimental: { [CANCELLED_DONE_CAPABILITY]: {} } } });
  private tools: Tool[] = [];

  /** `callClock` runs forwarded calls' deadlines and life cap (monotonic by default; tests pass a ManualClock). */
  constructor(readonly handle: ChildProcessHandle, private readonly onInvalid: (reason: string) => void, callClock?: Clock) {
    this.transport = new ChildMcpTransport(handle, onInvalid, callClock);
  }

  /** Connect and load the tool list; rejects if the child does not answer `initialize`. */
  async open(): Promise<void> {
    await this.client.connect(this.transport);
    // The child's frames are JSON-RPC envelopes by the time they reach the SDK (the transport
    // checked each one): its results skip the SDK's zod sort (issue 17, round 10).
    dispatchValidated(this.client, this.transport, 'results');
    await this.refreshTools();
  }

  async refreshTools(): Promise<Tool[]> {
    const all: Tool[] = [];
    let cursor: string | undefined;
    do {
      // A plain request, not `client.listTools`: that one compiles an ajv validator for every
      // output schema, which only `client.callTool` uses and the gateway forwards (issue 17).
      const page = await this.client.request({ method: 'tools/list', params: cursor ? { cursor } : {} }, ListToolsResultSchema);
      all.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    // Security: the child is an untrusted producer. A definition nested a few thousand levels
    // deep passes the SDK's schema but overflows the stack of the recursive readers after it
    // (the pins' canonical JSON, JSON.stringify of tool-pins.json and the manifest), inside the
    // gateway's "child ready" callback: an unhandled rejection that ended the host (W4-paging).
    // Measured without recursion; such a child is audited and never serves.
    const deep = all.find((t) => jsonDepth(t, MAX_TOOL_DEPTH) > MAX_TOOL_DEPTH);
    if (deep) {
      const reason = `tool ${deep.name.slice(0, 64)}: its definition nests deeper than ${MAX_TOOL_DEPTH} levels; the server is not used`;
      this.onInvalid(reason);
      throw new McpError(ErrorCode.InvalidRequest, reason);
    }
    this.tools = all;
    return all;
  }

  /**
   * The child's MCP `instructions` (how to choose an endpoint), passed on to clients.
   * Capped: a child already writes tool descriptions, so this adds no new trust, but it
   * must not make every client's initialize large.
   */
  instructions(): string | undefined {
    return this.client.getInstructions()?.slice(0, 4096);
  }

  listTools(): Tool[] {
    return this.tools;
  }

  findTool(name: string): Tool | undefined {
    return this.tools.find((t) => t.name === name);
  }

  /**
   * Ask the child to plan a call (issue 11): the tool's own validation and a plan of what it
   * would change, nothing changed. Undefined when the child has no plan step for the tool.
   * `meta` is the gateway's own `_meta` (the client's number, D201), never a client's.
   */
  async plan(name: string, args: Record<string, unknown> | undefined, signal: AbortSignal, meta?: Record<string, unknown>): Promise<PlanResult | undefined> {
    try {
      return await this.client.request({ method: PLAN_METHOD, params: { name, ...(args && { arguments: args }), ...(meta && { _meta: meta }) } } as never, PlanResult, { signal, timeout: CALL_TIMEOUT_MS });
    } catch (e) {
      if (e instanceof McpError && e.code === ErrorCode.MethodNotFound) return undefined;
      throw e;
    }
  }

  /**
   * Forward a call (issue 17): the result comes back as the child sent it, checked for its
   * shape (ForwardedCallResult) but not rebuilt through CallToolResultSchema or the tool's
   * output schema; the client's own SDK validates what it receives. Sent and settled by the
   * channel's own id map, not the SDK's `Client.request` (D237); the place `release`
   * gives back is held until the child is done with the call (D211).
   */
  forward(name: string, args: Record<string, unknown> | undefined, options: ForwardOptions): Promise<CallToolResult> {
    return this.transport.calls.call(name, args, options);
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
