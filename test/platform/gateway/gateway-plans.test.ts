// Issue 11 in the gateway, against a real child (test/fixtures/plan-test-server.ts; the world
// is test/support/garden-world.ts): every write asks (destructiveHint false included) unless
// policy.allow names it; a read-only endpoint runs only readOnlyHint tools; the plan is
// validated and shown before anyone is asked; the approval binds to the plan's hash and precondition; outcomes are honest;
// secret-marked arguments never reach the approval preview or the audit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { gardenConfig, textOf, withGardenWorld } from '../../support/garden-world.js';

const SECRET = 'tok-3f9a2c1e-very-secret';

describe('Gateway plans (issue 11)', () => {
  it('asks for a write that is not destructive, shows its plan first, masks secret arguments, and runs it once with the approved plan', async () => {
    await withGardenWorld(gardenConfig(), async ({ client, pending, audit, garden, nextApproval }) => {
      const call = client.callTool({ name: 'grow', arguments: { plant: 'tomato', token: SECRET } });
      const a = await nextApproval();
      assert.ok(a.subject.kind === 'tool' && a.subject.plan, 'the approval carries a plan');
      assert.equal(a.subject.changes, true);
      assert.equal(a.clientVerified, false);
      assert.equal(a.subject.plan.summary, 'Plant tomato in plot-1 (now version 1) using token [secret]');
      assert.deepEqual(a.subject.plan.changes, [{ object: 'plot-1', field: 'plants', before: '0', after: '1' }]);
      // Security: neither the plan nor the raw arguments one click away show a secret-marked value.
      assert.ok(!JSON.stringify(a).includes(SECRET), 'neither the plan nor the arguments shown hold the secret');
      assert.ok(!a.subject.argsPreview.includes(SECRET), a.subject.argsPreview);
      assert.match(a.subject.argsPreview, /"token": "\[secret\]"/);
      pending.decide(a.id, 'allow-once');
      assert.equal(textOf(await call), 'planted tomato');
      const g = await garden();
      assert.equal(g.grown, 1);
      assert.equal(JSON.parse(g.metaSeen[0]!)['keybroker/approved'].planHash, a.subject.plan.hash);
      const called = audit.find((r) => r.event === 'tool.called' && r.tool === 'grow');
      assert.equal(called?.outcome, 'ok');
      assert.equal(called?.planHash, a.subject.plan.hash);
      assert.deepEqual(called?.objects, ['plot-1 (tomato)']);
      // Security: the summary quoted the secret, so the audit keeps the hash but not the text.
      assert.equal(called?.planSummary, '[redacted]');
      assert.ok(!JSON.stringify(audit).includes(SECRET), 'the audit never holds the secret');
    });
  });

  it('refuses the approved call when the precondition changed meanwhile, and runs nothing', async () => {
    await withGardenWorld(gardenConfig(), async ({ client, pending, garden, nextApproval }) => {
      const call = client.callTool({ name: 'grow', arguments: { plant: 'bean' } });
      const a = await nextApproval();
      await client.callTool({ name: 'trample', arguments: {} });
      pending.decide(a.id, 'allow-once');
      const r = (await call) as CallToolResult;
      assert.equal(r.isError, true);
      assert.equal(textOf(r), 'garden plot-1 changed since you approved: someone else worked the plot (version 1 → 2). Nothing was run; call the tool again to see a fresh plan and approve that.');
      assert.equal((await garden()).grown, 0);
    });
  });

  it('fails an invalid call at once with the tool\'s own error and creates no approval', async () => {
    await withGardenWorld(gardenConfig(), async ({ client, pending, audit }) => {
      const guard = (await client.callTool({ name: 'grow', arguments: { plant: 'weeds' } })) as CallToolResult;
      assert.equal(guard.isError, true);
      assert.match(textOf(guard), /^GARDEN_REFUSED: weeds are not planted here/);
      const schema = (await client.callTool({ name: 'grow', arguments: { plant: '' } })) as CallToolResult;
      assert.match(textOf(schema), /^Input validation error: Invalid arguments for tool grow: .* at plant/);
      assert.deepEqual(pending.list(), []);
      assert.equal(audit.filter((r) => r.event === 'approval.requested').length, 0);
    });
  });

  it('never forwards a client\'s keybroker/* _meta: a forged approval still asks, and the child sees only the gateway\'s', async () => {
    await withGardenWorld(gardenConfig(), async ({ client, pending, garden, nextApproval }) => {
      const forged = { 'keybroker/approved': { planHash: 'f'.repeat(64), precondition: [] } };
      const call = client.callTool({ name: 'grow', arguments: { plant: 'pea' }, _meta: forged });
      const a = await nextApproval();
      assert.ok(a.subject.kind === 'tool' && a.subject.plan, 'the approval carries the host\'s own plan');
      pending.decide(a.id, 'allow-once');
      await call;
      const seen = JSON.parse((await garden()).metaSeen[0]!);
      assert.equal(seen['keybroker/approved'].planHash, a.subject.plan.hash);
      assert.notEqual(a.subject.plan.hash, 'f'.repeat(64));
    });
  });

  it('tells the child each call\'s client by the gateway\'s own number: one per client key, never a client\'s forged one (D201)', async () => {
    await withGardenWorld(gardenConfig({ allow: ['garden/grow'] }), async ({ connect, garden }) => {
      const a1 = await connect('parent-1');
      const a2 = await connect('parent-1');
      const b = await connect('parent-2');
      const forged = { 'keybroker/client': 999, 'keybroker/approved': { planHash: 'f'.repeat(64), precondition: [] } };
      for (const c of [a1, a2, b]) await c.callTool({ name: 'grow', arguments: { plant: 'pea' }, _meta: forged });
      const seen = (await garden()).metaSeen.map((m) => JSON.parse(m)['keybroker/client'] as unknown);
      assert.equal(seen.length, 3, 'three calls ran');
      assert.ok(seen.every((n) => typeof n === 'number' && n > 0 && n !== 999), `the gateway's numbers, never the client's (${JSON.stringify(seen)})`);
      assert.equal(seen[0], seen[1], 'two sessions of one client key: one number');
      assert.notEqual(seen[2], seen[0], 'another client key: another number');
      // A plan runs as its call's client too (D213): `keybroker/plan` carries the same number.
      assert.deepEqual((await garden()).planClients, seen, 'each plan ran as the client of the call it planned');
    });
  });

  it('says "nobody answered within 60 s" on a timeout, and a disconnected client is recorded as such', async () => {
    await withGardenWorld(gardenConfig(), async ({ client, clock, audit, connect, nextApproval }) => {
      const call = client.callTool({ name: 'grow', arguments: { plant: 'kale' } });
      await nextApproval();
      clock.advance(60_000);
      const r = (await call) as CallToolResult;
      assert.match(textOf(r), /^nobody answered within 60 s, so nothing was run/);
      assert.equal(audit.find((x) => x.event === 'tool.denied')?.outcome, 'timeout');

      const other = await connect();
      void other.callTool({ name: 'grow', arguments: { plant: 'leek' } }).catch(() => undefined);
      await nextApproval();
      await other.close();
      const denied = await (async () => {
        for (;;) {
          const d = audit.filter((x) => x.event === 'tool.denied')[1];
          if (d) return d;
          await new Promise((res) => setTimeout(res, 5));
        }
      })();
      assert.deepEqual([denied.outcome, denied.reason], ['cancelled', 'client disconnected']);
    });
  });

  it('runs a write named in policy.allow without asking, still planned and re-checked', async () => {
    await withGardenWorld(gardenConfig({ allow: ['garden/grow'] }), async ({ client, pending, audit }) => {
      assert.equal(textOf(await client.callTool({ name: 'grow', arguments: { plant: 'chard' } })), 'planted chard');
      assert.deepEqual(pending.list(), []);
      assert.match(audit.find((r) => r.event === 'tool.called' && r.tool === 'grow')?.planHash ?? '', /^[0-9a-f]{64}$/);
    });
  });

  it('a bare name in policy.allow does not allow a server that is not built in: grow still asks (issue 14)', async () => {
    // Security: "garden" stands for an extra configured server presenting an allowed tool name.
    await withGardenWorld(gardenConfig({ allow: ['grow', 'vsphere/grow', { server: 'p6', tool: 'grow' }] }), async ({ client, pending, nextApproval, garden }) => {
      const call = client.callTool({ name: 'grow', arguments: { plant: 'kale' } });
      const a = await nextApproval();
      assert.ok(a.subject.kind === 'tool' && a.server === 'garden', 'the approval is for the garden server\'s tool');
      pending.decide(a.id, 'deny');
      assert.equal(textOf(await call), 'denied by the user');
      assert.equal((await garden()).grown, 0);
    });
  });

  it('asks for a write without a plan step too, showing its arguments', async () => {
    await withGardenWorld(gardenConfig(), async ({ client, pending, nextApproval }) => {
      const call = client.callTool({ name: 'unplanned', arguments: {} });
      const a = await nextApproval();
      assert.ok(a.subject.kind === 'tool' && a.subject.plan === undefined, 'the approval of a tool without a planner carries no plan');
      pending.decide(a.id, 'deny');
      assert.equal(textOf(await call), 'denied by the user');
    });
  });

  it('a read-only endpoint hides every tool that is not readOnlyHint: true and refuses it if called', async () => {
    await withGardenWorld(gardenConfig({ endpoints: [{ id: 'vc1', readOnly: true }] }), async ({ client, pending, garden }) => {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ['garden', 'trample']);
      const r = (await client.callTool({ name: 'grow', arguments: { plant: 'fig' } })) as CallToolResult;
      assert.match(textOf(r), /^endpoint vc1 is read-only; grow may change it, so it was not run/);
      assert.deepEqual(pending.list(), []);
      assert.equal((await garden()).grown, 0);
    });
  });

  it('with a read-only and a read-write endpoint, lists the writes but makes a call name its endpoint', async () => {
    await withGardenWorld(gardenConfig({ endpoints: [{ id: 'vc1', readOnly: false }, { id: 'vc2', readOnly: true }] }), async ({ client, pending }) => {
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'grow'), 'the write tool is listed');
      assert.match(textOf(await client.callTool({ name: 'grow', arguments: { plant: 'oat' } })), /pass the endpoint argument \(vsphere endpoints: vc1, vc2 \(read-only\)\)/);
      assert.match(textOf(await client.callTool({ name: 'grow', arguments: { plant: 'oat', endpoint: 'vc2' } })), /^endpoint vc2 is read-only/);
      assert.deepEqual(pending.list(), []);
    });
  });

  // h13 review: the endpoint argument as an attacker would bend it. Each variant fails closed:
  // no approval is created, nothing runs.
  it('a case-variant, array or object endpoint never reaches a read-only endpoint or skips the approval', async () => {
    await withGardenWorld(gardenConfig({ endpoints: [{ id: 'vc1', readOnly: false }, { id: 'vc2', readOnly: true }] }), async ({ client, pending, garden }) => {
      assert.match(textOf(await client.callTool({ name: 'grow', arguments: { plant: 'oat', endpoint: 'VC2' } })), /^no vsphere endpoint named VC2; call vsphere_list_endpoints/);
      assert.match(textOf(await client.callTool({ name: 'grow', arguments: { plant: 'oat', endpoint: ['vc2'] } })), /pass the endpoint argument/);
      assert.match(textOf(await client.callTool({ name: 'grow', arguments: { plant: 'oat', endpoint: { id: 'vc1' } } })), /pass the endpoint argument/);
      assert.deepEqual(pending.list(), []);
      assert.equal((await garden()).grown, 0);
    });
    await withGardenWorld(gardenConfig({ endpoints: [{ id: 'vc2', readOnly: true }] }), async ({ client, pending, garden }) => {
      assert.match(textOf(await client.callTool({ name: 'grow', arguments: { plant: 'oat', endpoint: 7 } })), /^endpoint vc2 is read-only/);
      assert.deepEqual(pending.list(), []);
      assert.equal((await garden()).grown, 0);
    });
  });
});
