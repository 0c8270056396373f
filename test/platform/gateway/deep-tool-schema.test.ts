// Security (W4-paging, found while making pin diffs readable): a child's tool definition
// nested thousands of levels deep made the pins' canonical JSON overflow the stack inside the
// gateway's "child ready" callback: an unhandled rejection, which ends the host. The gateway
// now measures each definition's depth without recursion and refuses a child past 64 levels
// (audited `frame.invalid`); it never serves, and the host stays up.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { systemClock } from '../../../src/platform/ports/clock.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { Gateway } from '../../../src/platform/gateway/gateway.js';
import { jsonDepth } from '../../../src/platform/gateway/json-depth.js';
import { ToolPins } from '../../../src/platform/gateway/tool-pins.js';
import { buildChildEnv } from '../../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { until } from '../../support/wait.js';
import { gatewayConfig } from './gateway-harness.js';

const SPEC: ServerSpec = { name: 'test', kind: 'vsphere', modulePath: path.resolve(import.meta.dirname, '../../fixtures/deep-schema-server.ts'), execArgv: ['--import', 'tsx'] };

describe('a child whose tool definition nests too deeply', () => {
  it('is refused and audited, nothing is pinned, and the host process does not end', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-deep-'));
    const pinsFile = path.join(dir, 'tool-pins.json');
    const audit: AuditInput[] = [];
    const pending = new PendingApprovals();
    const config = gatewayConfig();
    const gateway = new Gateway({ config: () => config, approver: pending, newApprovalId: () => pending.newId(), audit: { append: (r) => void audit.push(r) }, clock: systemClock, pins: new ToolPins(pinsFile) });
    gateway.addServer(SPEC);
    const handle = new ChildProcessHandle(new NodeLauncher(), { ...SPEC, env: buildChildEnv(process.env) }, () => undefined);
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => void rejections.push(e);
    process.on('unhandledRejection', onRejection);
    try {
      const sink = gateway.attachChild(SPEC, handle);
      handle.onDidMessage((m) => { if ((m as { ch?: string }).ch === 'mcp') sink(m); });
      handle.start();
      await until('the refusal audited, or the host failing', () => rejections.length > 0 || audit.some((a) => a.event === 'frame.invalid'));
      assert.deepEqual(rejections.map(String), []);
      const refused = audit.find((a) => a.event === 'frame.invalid')!;
      assert.equal(refused.reason, 'tool deep: its definition nests deeper than 64 levels; the server is not used');
      assert.equal(fs.existsSync(pinsFile), false, 'nothing pinned');
    } finally {
      process.off('unhandledRejection', onRejection);
      gateway.dispose();
      pending.dispose();
      await handle.stop({ graceMs: 1000 });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('jsonDepth() counts without recursion and stops past its limit', () => {
    assert.equal(jsonDepth(1, 64), 0);
    assert.equal(jsonDepth({}, 64), 1);
    assert.equal(jsonDepth({ a: [1, { b: null }] }, 64), 3);
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    assert.equal(jsonDepth(deep, 64), 65);
    assert.equal(jsonDepth(deep, 200_000), 100_000);
  });
});
