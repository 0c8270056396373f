import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { HostChannel } from './host-channel.js';

/**
 * The child's MCP transport: JSON-RPC messages wrapped as `{ch:'mcp', msg}` frames on the
 * host channel, which the token protocol shares (DESIGN.md "Processes": a dedicated framed
 * pipe, not stdio, so stdout stays free for logs in Node children).
 */
export class ChannelTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private subscriptions: Disposable[] = [];
  private closed = false;

  constructor(private readonly channel: HostChannel) {}

  async start(): Promise<void> {
    this.subscriptions.push(
      this.channel.onMessage((m) => {
        if ((m as { ch?: unknown } | null)?.ch !== 'mcp') return;
        const parsed = JSONRPCMessageSchema.safeParse((m as { msg?: unknown }).msg);
        if (parsed.success) this.onmessage?.(parsed.data);
        else this.onerror?.(new Error('dropped an invalid MCP frame from the host'));
      }),
      this.channel.onClose(() => void this.close()),
    );
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the host channel is closed');
    this.channel.send({ ch: 'mcp', msg: message });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.onclose?.();
  }
}
