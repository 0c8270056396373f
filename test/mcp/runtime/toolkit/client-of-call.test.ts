// D201: a tool's run (read or write) runs as the client the gateway numbered in
// `_meta["keybroker/client"]`, so its connector requests take turns with other clients'.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PLAN_METHOD, PlanResult } from '../../../../src/base/contracts/plan-protocol.js';
import { currentClient } from '../../../../src/connectors/client-turns.js';
import { DESTRUCTIVE, READ_ONLY, Toolkit } from '../../../../src/mcp/runtime/toolkit/index.js';
import { connectInMemory } from '../../../support/in-memory-mcp-client.js';

function fixtureServer() {
  const server = new McpServer({ name: 'fixture', version: '1.0.0' });
  const tools = new Toolkit(server, { name: 'fixture' });
  const seen = async () => {
    await new Promise<void>((r) => setImmediate(r)); // across an await, as a connector call is
    return { content: [{ type: 'text' as const, text: String(currentClient()) }] };
  };
  tools.define({ name: 'fixture_read', title: 'Read', description: 'Says its client', inputSchema: {}, annotations: READ_ONLY, run: seen });
  tools.define({ name: 'fixture_write', title: 'Write', description: 'Says its client', inputSchema: {}, annotations: DESTRUCTIVE, plan: async () => {
    await new Promise<void>((r) => setImmediate(r));
    return { summary: String(currentClient()), changes: [], objects: [], precondition: [] };
  }, recheck: async () => undefined, run: seen });
  return { server, dispose: () => undefined };
}

describe('a tool call runs as the client in its _meta', () => {
  it('read and write tools see the gateway\'s client number; none, or a malformed one, is no client', async () => {
    const s = await connectInMemory(fixtureServer());
    try {
      const said = async (name: string, meta?: Record<string, unknown>) =>
        ((await s.client.callTool({ name, arguments: {}, ...(meta && { _meta: meta }) }) as CallToolResult).content[0] as { text: string }).text;
      assert.equal(await said('fixture_read', { 'keybroker/client': 7 }), '7', 'a read tool runs as client 7');
      assert.equal(await said('fixture_write', { 'keybroker/client': 8 }), '8', 'a write tool runs as client 8');
      assert.equal(await said('fixture_read'), 'undefined', 'no _meta: no client');
      for (const bad of ['7', 0, -1, 1.5, { n: 1 }]) assert.equal(await said('fixture_read', { 'keybroker/client': bad }), 'undefined', `malformed ${JSON.stringify(bad)}: no client`);
    } finally {
      await s.close();
    }
  });

  it('a keybroker/plan runs as the client in its _meta too (D213); none, or a malformed one, is no client', async () => {
    const s = await connectInMemory(fixtureServer());
    try {
      const planned = async (meta?: Record<string, unknown>) => {
        const r = await s.client.request({ method: PLAN_METHOD, params: { name: 'fixture_write', arguments: {}, ...(meta && { _meta: meta }) } } as never, PlanResult);
        assert.ok(r.ok, `the plan succeeds: ${JSON.stringify(r)}`);
        return r.plan.summary;
      };
      assert.equal(await planned({ 'keybroker/client': 9 }), '9', 'the plan runs as client 9');
      assert.equal(await planned(), 'undefined', 'no _meta: no client');
      assert.equal(await planned({ 'keybroker/client': 'x' }), 'undefined', 'a malformed number: no client');
    } finally {
      await s.close();
    }
  });
});
