// D7-redteam: the wall clock steps back (an NTP correction, a wake from sleep) while a write
// waits for its approval. The call's record had `durationMs` = now - started < 0, which the
// audit contract refuses: the approved write ran, but its `tool.called` record was refused
// with a BugError and the client got an error instead of the write's result. Real parts: the
// real Gateway in front of a real test-server child, the headless approver, the real
// AuditLog (its template and contract check); the clock that steps back is a ManualClock.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { AuditLog } from '../../../src/platform/audit/audit-log.js';
import { Gateway } from '../../../src/platform/gateway/gateway.js';
import { buildChildEnv } from '../../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { readAudit } from '../../support/audit-file.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, SPEC } from './gateway-harness.js';

describe('the wall clock steps back while a write waits for its approval (D7-redteam)', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-clockstep-gw-'));
  });
  afterEach(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('the approved write is answered and recorded', async () => {
    const clock = new ManualClock();
    const audit = new AuditLog({ home, settings: { maxBytes: 1024 * 1024, keep: 1 }, secrets: () => [], now: () => new Date(clock.now()) });
    const pending = new PendingApprovals();
    const config = gatewayConfig();
    const gateway = new Gateway({ config: () => config, approver: pending, newApprovalId: () => pending.newId(), audit, clock });
    gateway.addServer(SPEC);
    const handle = new ChildProcessHandle(new NodeLauncher(), { ...SPEC, env: buildChildEnv(process.env) }, () => undefined);
    const sink = gateway.attachChild(SPEC, handle);
    handle.onDidMessage((m) => { if ((m as { ch?: string }).ch === 'mcp') sink(m); });
    handle.start();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: {} });
    try {
      await gateway.openSession({ server: SPEC.name, clientLabel: 'test-client', via: 'cli', transport: serverSide });
      await client.connect(clientSide);
      const call = client.callTool({ name: 'destroy', arguments: { target: 'vm-1', endpoint: 'vc1' } }) as Promise<CallToolResult>;
      await until('the approval', () => pending.list().length === 1);
      clock.jump(-5_000); // An NTP step back of five seconds while the person reads the prompt.
      pending.decide(pending.list()[0]!.id, 'allow-once');
      // Before: the call failed with "invalid audit record: durationMs…" after the write had run.
      const result = await call.catch((e: unknown) => ({ isError: true, content: [{ type: 'text', text: String(e) }] }) as CallToolResult);
      assert.equal(result.isError, undefined, `the write's result reaches the client: ${JSON.stringify(result.content)}`);
      await until('the call record', () => readAudit(home).some((r) => r.event === 'tool.called'));
      const record = readAudit(home).find((r) => r.event === 'tool.called');
      assert.deepEqual([record?.tool, record?.outcome, record?.durationMs], ['destroy', 'ok', 0], 'the write is recorded, its duration never negative');
    } finally {
      await client.close();
      gateway.dispose();
      pending.dispose();
      await handle.stop({ graceMs: 1000 });
      audit.dispose();
    }
  });
});
