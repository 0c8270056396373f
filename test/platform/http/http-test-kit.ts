// Shared parts of the HTTP front-door tests: a GatewaySessions fake that serves a real SDK
// McpServer with an echo tool on the transport it is given, an audit sink that keeps
// lines, and a raw HTTP helper that can send any Host or Origin (fetch cannot).
import http from 'node:http';
import { afterEach } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import type { AuditSink } from '../../../src/platform/ports/audit-sink.js';
import type { FrontDoor, GatewaySession, GatewaySessions } from '../../../src/platform/gateway/gateway-sessions.js';
import { HttpFrontDoor, type HttpFrontDoorOptions, type HttpSettings } from '../../../src/platform/http/http-front-door.js';

/** A well-formed key for tests (the real ones come from generateApiKey). */
export const TEST_KEY = 'kb_test-key-0123456789abcdefghijklmnopqrstuvwxyz';

/** GatewaySessions over in-process McpServers: `echo` answers `<server>: <text>` and counts calls per server. */
export class FakeGatewaySessions implements GatewaySessions {
  readonly opened: Array<{ server: string; clientLabel: string; via: FrontDoor }> = [];
  /** Each opened session's `clientKey`, in the order of `opened`. */
  readonly clientKeys: Array<string | undefined> = [];
  readonly echoCalls: Record<string, number> = {};
  private readonly live = new Set<McpServer>();

  constructor(private readonly names: readonly string[] = ['vsphere', 'p6']) {}

  /** Sessions whose McpServer is still connected. */
  get liveCount(): number {
    return this.live.size;
  }

  servers(): string[] {
    return [...this.names];
  }

  async openSession(options: Parameters<GatewaySessions['openSession']>[0]): Promise<GatewaySession> {
    const { server, clientLabel, via, transport } = options;
    if (!this.names.includes(server)) throw Object.assign(new Error(`unknown server ${server}`), { code: 'CORE_UNKNOWN_SERVER' });
    this.opened.push({ server, clientLabel, via });
    this.clientKeys.push(options.clientKey);
    const mcp = new McpServer({ name: server, version: '1.0.0' });
    mcp.registerTool(
      'echo',
      { description: 'Echo text back', inputSchema: { text: z.string().describe('what to echo') } },
      async ({ text }) => {
        this.echoCalls[server] = (this.echoCalls[server] ?? 0) + 1;
        return { content: [{ type: 'text' as const, text: `${server}: ${text}` }] };
      },
    );
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    mcp.server.onclose = () => {
      this.live.delete(mcp);
      markClosed();
    };
    await mcp.connect(transport);
    this.live.add(mcp);
    return { server, closed, close: () => mcp.close() };
  }
}

/** An AuditSink that keeps every record, and the raw JSON of each for secret scans. */
export class MemoryAudit implements AuditSink {
  readonly records: AuditInput[] = [];

  append(record: AuditInput): void {
    this.records.push(record);
  }

  /** Every record as one JSON line, as the audit log would hold it. */
  text(): string {
    return this.records.map((r) => JSON.stringify(r)).join('\n');
  }

  /** Codes of the `gateway.rejected` records, in order. */
  rejections(): string[] {
    return this.records.filter((r) => r.event === 'gateway.rejected').map((r) => r.code ?? '');
  }
}

/** Settings as config.json would hold them, with overrides. */
export function settings(over: Partial<HttpSettings> = {}): HttpSettings {
  return { enabled: true, port: 0, apiKeyHeader: 'x-api-key', corsOrigins: [], rateLimitPerMinute: 600, ...over };
}

/** A listening front door over a fresh fake, audit sink and key; `stop()` closes it. */
export async function startDoor(over: Partial<HttpFrontDoorOptions> & { settings?: HttpSettings } = {}) {
  const sessions = (over.sessions as FakeGatewaySessions | undefined) ?? new FakeGatewaySessions();
  const audit = new MemoryAudit();
  const errors: unknown[] = [];
  const door = await HttpFrontDoor.listen({
    port: 0,
    settings: settings(),
    apiKey: () => TEST_KEY,
    audit,
    onInternalError: (e) => errors.push(e),
    ...over,
    sessions,
  });
  return { door, sessions, audit, errors };
}

/**
 * Doors closed after each test of the file or `describe` block that calls this: `door(over)`
 * starts one by {@link startDoor}; `cleanups` takes other closers (run last-in, first-out).
 */
export function doorsPerTest() {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function door(over: Parameters<typeof startDoor>[0] = {}) {
    const started = await startDoor(over);
    cleanups.push(() => started.door.close());
    return started;
  }
  return { cleanups, door };
}

/** One raw HTTP response. */
export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Send one request with exactly these headers (Host included) and read the whole answer. */
export function rawRequest(port: number, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/mcp/vsphere', headers: { host: `127.0.0.1:${port}`, ...opts.headers }, agent: false, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** An MCP initialize request body, as a client would POST it. */
export function initializeBody(clientName = 'raw-test'): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: clientName, version: '1.0.0' } },
  });
}

/** Headers a Streamable HTTP POST needs, plus the key in the default header. */
export function mcpHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-api-key': TEST_KEY, ...extra };
}
