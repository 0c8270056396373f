import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { FrontDoor, GatewaySession, GatewaySessions } from '../../src/platform/gateway/gateway-sessions.js';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/**
 * A GatewaySessions that serves every session with its own SDK server (tools `echo` and
 * `hang`, which answers only when cancelled), and records what the front door asked for.
 */
export class FakeGatewaySessions implements GatewaySessions {
  readonly opened: Array<{ server: string; clientLabel: string; via: FrontDoor }> = [];
  /** Each opened session's `clientKey`, in the order of `opened` (undefined: its own client). */
  readonly clientKeys: Array<string | undefined> = [];
  readonly live = new Set<GatewaySession>();
  /** When set, openSession rejects with it before touching the transport. */
  failWith: Error | undefined;
  /** Resolves each time a `hang` call starts. */
  private hangStarted: Array<() => void> = [];

  constructor(private readonly names: string[] = ['vsphere', 'p6']) {}

  servers(): string[] {
    return this.names;
  }

  /** Wait until a `hang` tool call is being served. */
  whenHanging(): Promise<void> {
    return new Promise((resolve) => this.hangStarted.push(resolve));
  }

  async openSession(options: Parameters<GatewaySessions['openSession']>[0]): Promise<GatewaySession> {
    const { server, clientLabel, via, transport } = options;
    this.opened.push({ server, clientLabel, via });
    this.clientKeys.push(options.clientKey);
    if (this.failWith) throw this.failWith;
    const mcp = new McpServer({ name: `fake-${server}`, version: '1.0.0' });
    mcp.registerTool('echo', { description: 'Echo text back', inputSchema: { text: z.string().describe('what to echo') }, annotations: readOnly }, async ({ text }) => ({
      content: [{ type: 'text' as const, text: `${server}:${text}` }],
    }));
    mcp.registerTool('hang', { description: 'Answer only when cancelled', inputSchema: {}, annotations: readOnly }, (_args, extra) => {
      this.hangStarted.splice(0).forEach((r) => r());
      return new Promise((resolve) => extra.signal.addEventListener('abort', () => resolve({ content: [{ type: 'text' as const, text: 'cancelled' }] })));
    });
    let ended!: () => void;
    const session: GatewaySession = { server, closed: new Promise<void>((resolve) => (ended = resolve)), close: () => mcp.close() };
    mcp.server.onclose = () => {
      this.live.delete(session);
      ended();
    };
    this.live.add(session);
    await mcp.connect(transport);
    return session;
  }
}
