// R9-attack: approvals under attack, through the real control socket (what `keybroker
// approve` uses) in front of the real Gateway and a real plan-making child
// (test/fixtures/plan-test-server.ts). A guessed or short id, a second answer, a late answer
// and an answer reused for another call must each run nothing. (A plan that changed after it
// was shown: gateway-plans.test.ts; another user's shell: gateway-socket-attacks.test.ts.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalDecision, ApprovalRequest } from '../../../src/base/contracts/approval.js';
import type { ControlResult } from '../../../src/base/contracts/control-protocol.js';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { ControlClient } from '../../../src/platform/control/control-client.js';
import { ControlServer } from '../../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../../src/platform/control/control-socket-path.js';
import { Gateway } from '../../../src/platform/gateway/gateway.js';
import { buildChildEnv } from '../../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { FakeControlHandler } from '../../mocks/fake-control-handler.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { until } from '../../support/wait.js';

const SPEC: ServerSpec = { name: 'garden', kind: 'vsphere', modulePath: path.resolve(import.meta.dirname, '../../fixtures/plan-test-server.ts'), execArgv: ['--import', 'tsx'] };
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

const CONFIG = Config.parse({
  ...emptyConfig(),
  endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: false, tls: { verify: true }, credential: 'endpoint:vc1' }],
  credentials: [{ id: 'endpoint:vc1' }],
});

/** The host's approval ops over the real queue, as Host implements them. */
class QueueHandler extends FakeControlHandler {
  constructor(private readonly pending: PendingApprovals) {
    super();
  }
  override async listApprovals(): Promise<ControlResult<'approvals.list'>> {
    return this.pending.list();
  }
  override async decideApproval(id: string, decision: ApprovalDecision): Promise<ControlResult<'approvals.decide'>> {
    this.pending.decide(id, decision);
    return { decided: id };
  }
}

interface Bench {
  client: Client;
  connect: () => Promise<Client>;
  clock: ManualClock;
  /** Answer over the control socket as `keybroker approve`/`deny` does; resolves with the host's refusal code, or 'ok'. */
  decide: (approval: string, decision: ApprovalDecision) => Promise<string>;
  nextApproval: (n?: number) => Promise<ApprovalRequest>;
  garden: () => Promise<{ grown: number }>;
}

async function withBench(test: (b: Bench) => Promise<void>): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-apa-'));
  const pending = new PendingApprovals();
  const clock = new ManualClock();
  const gateway = new Gateway({ config: () => CONFIG, approver: pending, newApprovalId: () => pending.newId(), audit: { append: () => undefined }, clock });
  gateway.addServer(SPEC);
  const handle = new ChildProcessHandle(new NodeLauncher(), { ...SPEC, env: buildChildEnv(process.env) }, () => undefined);
  const sink = gateway.attachChild(SPEC, handle);
  handle.onDidMessage((m) => { if ((m as { ch?: string }).ch === 'mcp') sink(m); });
  handle.start();
  const control = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler: new QueueHandler(pending) });
  const cli = await ControlClient.connect(home);
  const connect = async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await gateway.openSession({ server: 'garden', clientLabel: 'test', via: 'cli', transport: serverSide });
    const c = new Client({ name: 'claude-ai', version: '1.0.0' }, { capabilities: {} });
    await c.connect(clientSide);
    return c;
  };
  const client = await connect();
  const decide = async (approval: string, decision: ApprovalDecision) => {
    try {
      await cli.call('approvals.decide', { approval, decision });
      return 'ok';
    } catch (e) {
      return String((e as { remoteCode?: string; code?: string }).remoteCode ?? (e as { code?: string }).code);
    }
  };
  const nextApproval = async (n = 1) => {
    await until(`${n} pending approval(s)`, () => pending.list().length >= n);
    return pending.list()[n - 1]!;
  };
  const garden = async () => JSON.parse(textOf(await client.callTool({ name: 'garden', arguments: {} }))) as { grown: number };
  try {
    await test({ client, connect, clock, decide, nextApproval, garden });
  } finally {
    cli.close();
    await control.close();
    gateway.dispose();
    pending.dispose();
    await handle.stop({ graceMs: 1000 });
    fs.rmSync(home, { recursive: true, force: true });
  }
}

describe('approvals under attack (R9-attack)', () => {
  it('Security: a guessed, short, padded or upper-case id answers nothing; the call still waits and runs once on the real answer', async () => {
    await withBench(async ({ client, decide, nextApproval, garden }) => {
      const call = client.callTool({ name: 'grow', arguments: { plant: 'tomato' } });
      const a = await nextApproval();
      const neighbour = (parseInt(a.id, 16) ^ 1).toString(16).padStart(8, '0');
      for (const id of [a.id.slice(0, 4), a.id.slice(0, 7), a.id.toUpperCase(), ` ${a.id}`, `${a.id}0`, neighbour, '00000000', '__proto__']) {
        const code = await decide(id, 'allow-once');
        assert.notEqual(code, 'ok', `approval ${JSON.stringify(id)} was accepted for ${a.id}`);
      }
      assert.equal((await garden()).grown, 0);
      assert.equal(await decide(a.id, 'allow-once'), 'ok');
      assert.equal(textOf(await call), 'planted tomato');
      assert.equal((await garden()).grown, 1);
    });
  });

  it('Security: a second answer to the same id is refused, and the call runs once', async () => {
    await withBench(async ({ client, decide, nextApproval, garden }) => {
      const call = client.callTool({ name: 'grow', arguments: { plant: 'bean' } });
      const a = await nextApproval();
      assert.equal(await decide(a.id, 'allow-once'), 'ok');
      assert.equal(await decide(a.id, 'allow-once'), 'CORE_APPROVAL_NOT_FOUND');
      assert.equal(textOf(await call), 'planted bean');
      assert.equal((await garden()).grown, 1);
    });
  });

  it('Security: an answer after the prompt expired is refused; the call says nobody answered and ran nothing', async () => {
    await withBench(async ({ client, clock, decide, nextApproval, garden }) => {
      const call = client.callTool({ name: 'grow', arguments: { plant: 'kale' } });
      const a = await nextApproval();
      clock.advance(60_000);
      assert.match(textOf(await call), /^nobody answered within 60 s, so nothing was run/);
      assert.equal(await decide(a.id, 'allow-once'), 'CORE_APPROVAL_NOT_FOUND');
      assert.equal((await garden()).grown, 0);
    });
  });

  it('Security: `keybroker approve` (allow-ttl) on a write allows that call only: the same call again asks again, and another client\'s call is not covered', async () => {
    await withBench(async ({ client, connect, decide, nextApproval, garden }) => {
      const first = client.callTool({ name: 'grow', arguments: { plant: 'leek' } });
      const a = await nextApproval();
      assert.equal(await decide(a.id, 'allow-ttl'), 'ok');
      assert.equal(textOf(await first), 'planted leek');
      const again = client.callTool({ name: 'grow', arguments: { plant: 'leek' } });
      const b = await nextApproval();
      assert.notEqual(b.id, a.id);
      const other = await connect();
      const theirs = other.callTool({ name: 'grow', arguments: { plant: 'leek' } });
      const c = await nextApproval(2);
      assert.notEqual(c.id, b.id);
      assert.equal(await decide(b.id, 'allow-ttl'), 'ok');
      assert.equal(textOf(await again), 'planted leek');
      assert.equal((await garden()).grown, 2);
      assert.equal(await decide(c.id, 'deny'), 'ok');
      assert.match(textOf(await theirs), /denied/i);
      assert.equal((await garden()).grown, 2);
      await other.close();
    });
  });
});
