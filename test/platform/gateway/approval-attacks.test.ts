// R9-attack: approvals under attack, through the real control socket (what `keybroker
// approve` uses) in front of the real Gateway and a real plan-making child
// (test/fixtures/plan-test-server.ts; the world is test/support/garden-world.ts). A guessed or
// short id, a second answer, a late answer and an answer reused for another call must each
// run nothing. (A plan that changed after it
// was shown: gateway-plans.test.ts; another user's shell: gateway-socket-attacks.test.ts.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ApprovalDecision, ApprovalRequest } from '../../../src/base/contracts/approval.js';
import type { ControlResult } from '../../../src/base/contracts/control-protocol.js';
import type { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { ControlClient } from '../../../src/platform/control/control-client.js';
import { ControlServer } from '../../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../../mocks/fake-control-handler.js';
import type { ManualClock } from '../../mocks/manual-clock.js';
import { gardenConfig, textOf, withGardenWorld } from '../../support/garden-world.js';

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
  await withGardenWorld(gardenConfig(), async ({ pending, client, connect, clock, nextApproval, garden }) => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-apa-'));
    const control = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler: new QueueHandler(pending) });
    const cli = await ControlClient.connect(home);
    const decide = async (approval: string, decision: ApprovalDecision) => {
      try {
        // No wall-clock bound in a test (the CLI's 3 s one failed on a loaded machine): the runner's own timeout stands.
        await cli.call('approvals.decide', { approval, decision }, { timeoutMs: 600_000 });
        return 'ok';
      } catch (e) {
        return String((e as { remoteCode?: string; code?: string }).remoteCode ?? (e as { code?: string }).code);
      }
    };
    try {
      await test({ client, connect, clock, decide, nextApproval, garden });
    } finally {
      cli.close();
      await control.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
}

describe('approvals under attack (R9-attack)', () => {
  it('Security: a guessed, short, padded or upper-case id answers nothing; the call still waits and runs once on the real answer', async () => {
    await withBench(async ({ client, decide, nextApproval, garden }) => {
      const call = client.callTool({ name: 'grow', arguments: { plant: 'tomato' } });
      // Awaited below; handled here too, so a failed assertion is reported rather than this call's 'Connection closed' at teardown.
      call.catch(() => {});
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
