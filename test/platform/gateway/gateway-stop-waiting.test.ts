// A call waiting for a child that is still starting, when the host stops (P5-fixes found it):
// the gateway's dispose ends the wait at once, instead of leaving a 15-second ready-wait timer
// that holds a stopping host's event loop. The client sees its connection close either way;
// the wait's end is seen where the gateway lets go of the child (demand.busy's disposable).
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import type { ChildDemand } from '../../../src/platform/gateway/children-on-demand.js';
import { Gateway } from '../../../src/platform/gateway/gateway.js';
import { systemClock } from '../../../src/platform/ports/clock.js';
import { gatewayConfig, SPEC } from './gateway-harness.js';

describe('Gateway.dispose with a call waiting for its child', () => {
  it('ends the wait at once: no ready-wait timer is left to fire', async () => {
    let busy!: () => void;
    const waiting = new Promise<void>((resolve) => { busy = resolve; });
    let released = false;
    // On demand, with no manifest: tools/list needs the child, which never becomes ready here.
    const demand: ChildDemand = { manifest: () => undefined, wake: () => undefined, busy: () => { busy(); return { dispose: () => { released = true; } }; }, record: () => true };
    const pending = new PendingApprovals();
    const config = gatewayConfig();
    const gateway = new Gateway({ config: () => config, approver: pending, newApprovalId: () => pending.newId(), audit: { append: () => undefined }, clock: systemClock, demand });
    gateway.addServer(SPEC);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await gateway.openSession({ server: SPEC.name, clientLabel: 'c', via: 'cli', transport: serverSide });
    const client = new Client({ name: 'c', version: '1' }, { capabilities: {} });
    try {
      await client.connect(clientSide);
      // From here no setTimeout fires by itself: only the gateway's dispose can end the wait.
      mock.timers.enable({ apis: ['setTimeout'] });
      const listed = client.listTools().catch((e: unknown) => e);
      await waiting;
      // busy() is called right before the wait for the child starts, in the same turn.
      await new Promise((r) => setImmediate(r));
      assert.equal(released, false, 'the call waits for its child');
      gateway.dispose();
      for (let i = 0; i < 5 && !released; i++) await new Promise((r) => setImmediate(r));
      assert.equal(released, true, 'dispose ended the wait for the child');
      assert.match(String(await listed), /Connection closed|KeyBroker is stopping/);
    } finally {
      mock.timers.reset();
      await client.close().catch(() => undefined);
      pending.dispose();
    }
  });
});
