import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { systemClock, type Clock } from '../../../src/platform/ports/clock.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { Gateway, type GatewayDeps } from '../../../src/platform/gateway/gateway.js';
import { buildChildEnv } from '../../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { PolicyConsent } from '../../../src/platform/gateway/policy-consent.js';

export const TEST_SERVER = path.resolve(import.meta.dirname, '../../fixtures/mcp-test-server.ts');
export const SPEC: ServerSpec = { name: 'test', kind: 'vsphere', modulePath: TEST_SERVER, execArgv: ['--import', 'tsx'] };

export function gatewayConfig(opts: { readOnly?: boolean; approve?: string[] } = {}): Config {
  return Config.parse({
    ...emptyConfig(),
    endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: opts.readOnly ?? false, tls: { verify: true }, credential: 'endpoint:vc1' }],
    credentials: [{ id: 'endpoint:vc1' }],
    policy: { approve: opts.approve ?? [] },
  });
}

/** A Gateway in front of a real test-server child (or `options.spec`'s), with the headless approver. */
export function makeGateway(config: Config = gatewayConfig(), options: { shares?: GatewayDeps['shares']; clock?: Clock; callClock?: Clock; spec?: ServerSpec; policyConsent?: boolean; remembered?: Config; record?: { save(c: Config): void; saved(): Promise<void> } } = {}) {
  const spec = options.spec ?? SPEC;
  const audit: AuditInput[] = [];
  const pending = new PendingApprovals();
  let current = config;
  const sink = { append: (r: AuditInput) => void audit.push(r) };
  const clock = options.clock ?? systemClock;
  // D1-policyconsent: the host's consent keeper, started on `config`; setConfig shows it each config as a reload does.
  // D281: `remembered` is the confirmed config of a run before this start; `record` sees each confirmed one.
  const consent = options.policyConsent ? new PolicyConsent({ approver: pending, newApprovalId: () => pending.newId(), audit: sink, clock, timeoutMs: () => current.unlock.promptTimeoutSeconds * 1000, ...(options.record && { record: options.record }) }, config, options.remembered) : undefined;
  const gateway = new Gateway({ config: () => current, approver: pending, newApprovalId: () => pending.newId(), audit: sink, clock, ...(options.shares && { shares: options.shares }), ...(options.callClock && { callClock: options.callClock }), ...(consent && { policyConsent: consent }) });
  gateway.addServer(spec);
  const handles: ChildProcessHandle[] = [];
  /** Start (or restart) the child and wire its MCP frames to the gateway. */
  const startChild = () => {
    const handle = new ChildProcessHandle(new NodeLauncher(), { ...spec, env: buildChildEnv(process.env) }, () => undefined);
    const sink = gateway.attachChild(spec, handle);
    handle.onDidMessage((m) => { if ((m as { ch?: string }).ch === 'mcp') sink(m); });
    handle.start();
    handles.push(handle);
    return handle;
  };
  /** A real SDK Client on its own session. */
  const connect = async (label = 'test-client', clientKey?: string) => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await gateway.openSession({ server: spec.name, clientLabel: label, ...(clientKey !== undefined && { clientKey }), via: 'cli', transport: serverSide });
    const client = new Client({ name: label, version: '1.0.0' }, { capabilities: {} });
    await client.connect(clientSide);
    return client;
  };
  const dispose = async () => {
    consent?.dispose();
    gateway.dispose();
    pending.dispose();
    await Promise.all(handles.map((h) => h.stop({ graceMs: 1000 })));
  };
  return { gateway, pending, audit, startChild, connect, dispose, consent, setConfig: (c: Config) => { consent?.observe(c); current = c; } };
}
