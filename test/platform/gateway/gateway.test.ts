import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ToolListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { gatewayConfig, makeGateway } from './gateway-harness.js';
import { HANG_GUARD_MS, until } from '../../support/wait.js';

const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
async function waitForPending(pending: ReturnType<typeof makeGateway>['pending']) {
  await until('an approval', () => pending.list().length > 0);
  return pending.list()[0]!;
}
const counts = async (client: Awaited<ReturnType<ReturnType<typeof makeGateway>['connect']>>) =>
  JSON.parse(textOf(await client.callTool({ name: 'counts', arguments: {} }))) as Record<string, number>;

describe('Gateway', () => {
  it('lists the child\'s tools and forwards a call, auditing argument names only', async () => {
    const g = makeGateway();
    g.startChild();
    try {
      const client = await g.connect();
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ['counts', 'crash', 'destroy', 'echo', 'slow', 'sneaky', 'target']);
      assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'top-secret-value' } })), 'top-secret-value');
      const line = g.audit.find((a) => a.event === 'tool.called' && a.tool === 'echo');
      assert.deepEqual([line?.outcome, line?.argNames, line?.client, line?.server, line?.endpoint], ['ok', ['text'], 'test-client', 'test', 'vc1']);
      assert.ok(!JSON.stringify(g.audit).includes('top-secret-value'), 'the audit never holds the argument\'s value');
    } finally {
      await g.dispose();
    }
  });

  it('tells the child which endpoint it chose when the call named none', async () => {
    const g = makeGateway();
    g.startChild();
    try {
      const client = await g.connect();
      assert.equal(textOf(await client.callTool({ name: 'target', arguments: {} })), 'endpoint:vc1');
      assert.equal(textOf(await client.callTool({ name: 'target', arguments: { endpoint: 'vc1' } })), 'endpoint:vc1');
    } finally {
      await g.dispose();
    }
  });

  it('forwards progress notifications and cancellation', async () => {
    const g = makeGateway();
    g.startChild();
    try {
      const client = await g.connect();
      const progress: number[] = [];
      const r = await client.callTool({ name: 'slow', arguments: { steps: 4, delayMs: 5 } }, undefined, { onprogress: (p) => void progress.push(p.progress) });
      assert.equal(textOf(r), 'done 4');
      assert.deepEqual(progress, [1, 2, 3, 4]);

      const abort = new AbortController();
      const call = client.callTool({ name: 'slow', arguments: { steps: 200, delayMs: 20 } }, undefined, { signal: abort.signal, onprogress: () => abort.abort() });
      await assert.rejects(call, 'the aborted call rejects');
      await until('the child to see the cancellation', async () => (await counts(client))['slow.cancelled'] !== undefined, 20);
      const c = await counts(client);
      assert.equal(c['slow.cancelled'], 1, 'the child saw the cancellation');
      assert.equal(c['slow.completed'], 1, 'only the first slow call completed');
    } finally {
      await g.dispose();
    }
  });

  it('holds a destructive call until approved, and a denied one never reaches the child', async () => {
    const g = makeGateway();
    g.startChild();
    try {
      const client = await g.connect('claude-ai');
      const held = client.callTool({ name: 'destroy', arguments: { target: 'vm-42', endpoint: 'vc1' } });
      const approval = await waitForPending(g.pending);
      assert.equal(approval.client, 'claude-ai');
      assert.equal(approval.server, 'test');
      assert.equal(approval.endpoint, 'vc1');
      assert.ok(approval.subject.kind === 'tool' && approval.subject.tool === 'destroy' && approval.subject.argsPreview.includes('vm-42'), 'the approval is for destroy and shows its argument vm-42');
      g.pending.decide(approval.id, 'allow-once');
      assert.equal(textOf(await held), 'destroyed vm-42');

      const denied = client.callTool({ name: 'destroy', arguments: { target: 'vm-43', endpoint: 'vc1' } });
      g.pending.decide((await waitForPending(g.pending)).id, 'deny');
      const r = (await denied) as CallToolResult;
      assert.equal(r.isError, true);
      assert.equal(textOf(r), 'denied by the user');
      assert.equal((await counts(client))['destroy'], 1);
      assert.ok(g.audit.some((a) => a.event === 'tool.denied' && a.tool === 'destroy'), 'the denied call is audited as tool.denied');
    } finally {
      await g.dispose();
    }
  });

  it('asks for a tool named in policy.approve even when it claims to be read-only', async () => {
    const g = makeGateway(gatewayConfig({ approve: ['sneaky'] }));
    g.startChild();
    try {
      const client = await g.connect();
      const call = client.callTool({ name: 'sneaky', arguments: {} });
      const approval = await waitForPending(g.pending);
      assert.ok(approval.subject.kind === 'tool' && approval.subject.tool === 'sneaky', 'the approval is for the sneaky tool');
      g.pending.decide(approval.id, 'deny');
      assert.equal((await call as CallToolResult).isError, true);
      assert.equal((await counts(client))['sneaky'], undefined);
    } finally {
      await g.dispose();
    }
  });

  it('hides destructive tools when every endpoint is read-only, and refuses them if called anyway', async () => {
    const g = makeGateway(gatewayConfig({ readOnly: true }));
    g.startChild();
    try {
      const client = await g.connect();
      const names = (await client.listTools()).tools.map((t) => t.name);
      assert.ok(!names.includes('destroy'), 'the hidden tool destroy is not listed');
      assert.ok(names.includes('echo'), 'echo is listed');
      const r = (await client.callTool({ name: 'destroy', arguments: { target: 'x' } })) as CallToolResult;
      assert.equal(r.isError, true);
      assert.match(textOf(r), /read-only/);
      assert.equal(g.pending.list().length, 0);
      assert.equal((await counts(client))['destroy'], undefined);
    } finally {
      await g.dispose();
    }
  });

  it('fails a call promptly when the child crashes, then serves the restarted child and says the tool list changed', async () => {
    const g = makeGateway();
    const first = g.startChild();
    try {
      const client = await g.connect();
      let listChanged = 0;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => { listChanged++; });
      const r = (await client.callTool({ name: 'crash', arguments: {} })) as CallToolResult;
      assert.equal(r.isError, true);
      assert.match(textOf(r), /failed during crash/);
      await first.waitForExit(HANG_GUARD_MS);
      g.startChild();
      assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'again' } })), 'again');
      await until('tools/list_changed', () => listChanged > 0);
      assert.equal(listChanged, 1);
    } finally {
      await g.dispose();
    }
  });

  it('keeps concurrent clients apart: each gets only its own answers', async () => {
    const g = makeGateway();
    g.startChild();
    try {
      const clients = await Promise.all(Array.from({ length: 10 }, (_, i) => g.connect(`c${i}`)));
      const results = await Promise.all(clients.flatMap((c, i) => Array.from({ length: 20 }, (_, j) =>
        c.callTool({ name: 'echo', arguments: { text: `${i}:${j}` } }).then((r) => [`${i}:${j}`, textOf(r)]))));
      assert.equal(results.length, 200);
      for (const [sent, got] of results) assert.equal(got, sent);
    } finally {
      await g.dispose();
    }
  });
});
