// The gateway world of the plan tests: the real Gateway in front of a real plan-making child
// (test/fixtures/plan-test-server.ts, server `garden`), the real approval queue, a ManualClock
// and an SDK Client on its own session. Used by test/platform/gateway's gateway-plans (the
// plan, its hash and precondition) and approval-attacks (answers over the control socket).
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
import { Config, emptyConfig } from '../../src/base/contracts/config.js';
import { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { Gateway } from '../../src/platform/gateway/gateway.js';
import type { AuditInput } from '../../src/platform/ports/audit-sink.js';
import { buildChildEnv } from '../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../src/platform/supervisor/node-launcher.js';
import type { ServerSpec } from '../../src/platform/supervisor/server-spec.js';
import { ManualClock } from '../mocks/manual-clock.js';
import { until } from './wait.js';

export const GARDEN_SPEC: ServerSpec = { name: 'garden', kind: 'vsphere', modulePath: path.resolve(import.meta.dirname, '../fixtures/plan-test-server.ts'), execArgv: ['--import', 'tsx'] };

/** The first text block of a tool result. */
export const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

/** vSphere endpoints (default `vc1`, read-write) and policy.allow; nothing else configured. */
export function gardenConfig(opts: { endpoints?: { id: string; readOnly: boolean }[]; allow?: unknown[] } = {}): Config {
  const endpoints = opts.endpoints ?? [{ id: 'vc1', readOnly: false }];
  return Config.parse({
    ...emptyConfig(),
    endpoints: endpoints.map((e) => ({ id: e.id, kind: 'vsphere', url: `https://${e.id}.corp.example/sdk`, username: 'svc', readOnly: e.readOnly, tls: { verify: true }, credential: `endpoint:${e.id}` })),
    credentials: endpoints.map((e) => ({ id: `endpoint:${e.id}` })),
    policy: { approve: [], allow: opts.allow ?? [] },
  });
}

export interface GardenWorld {
  readonly gateway: Gateway;
  readonly pending: PendingApprovals;
  /** What the gateway audited, in order. */
  readonly audit: AuditInput[];
  /** The gateway's clock (approval timeouts). */
  readonly clock: ManualClock;
  /** A client (`claude-ai`) connected before the test starts. */
  readonly client: Client;
  /** Another client on a session of its own; `clientKey` groups sessions into one client (D183's share). */
  connect(clientKey?: string): Promise<Client>;
  /** The `n`th pending approval (1: the first), once there are `n`. */
  nextApproval(n?: number): Promise<ApprovalRequest>;
  /** The child's own count of what it ran (its `garden` tool, called by `client`). */
  garden(): Promise<{ grown: number; version: number; metaSeen: string[]; planClients: (number | null)[] }>;
}

/** Run `test` in a garden world on `cfg`; the world is stopped afterwards, whatever happened. */
export async function withGardenWorld(cfg: Config, test: (w: GardenWorld) => Promise<void>): Promise<void> {
  const audit: AuditInput[] = [];
  const pending = new PendingApprovals();
  const clock = new ManualClock();
  const gateway = new Gateway({ config: () => cfg, approver: pending, newApprovalId: () => pending.newId(), audit: { append: (r) => void audit.push(r) }, clock });
  gateway.addServer(GARDEN_SPEC);
  const handle = new ChildProcessHandle(new NodeLauncher(), { ...GARDEN_SPEC, env: buildChildEnv(process.env) }, () => undefined);
  const sink = gateway.attachChild(GARDEN_SPEC, handle);
  handle.onDidMessage((m) => { if ((m as { ch?: string }).ch === 'mcp') sink(m); });
  handle.start();
  try {
    const connect = async (clientKey?: string) => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await gateway.openSession({ server: 'garden', clientLabel: 'test', ...(clientKey !== undefined && { clientKey }), via: 'cli', transport: serverSide });
      const c = new Client({ name: 'claude-ai', version: '1.0.0' }, { capabilities: {} });
      await c.connect(clientSide);
      return c;
    };
    const client = await connect();
    const nextApproval = async (n = 1) => {
      await until(`${n} pending approval(s)`, () => pending.list().length >= n);
      return pending.list()[n - 1]!;
    };
    const garden = async () => JSON.parse(textOf(await client.callTool({ name: 'garden', arguments: {} })));
    await test({ gateway, pending, audit, clock, client, connect, nextApproval, garden });
  } finally {
    gateway.dispose();
    pending.dispose();
    await handle.stop({ graceMs: 1000 });
  }
}
