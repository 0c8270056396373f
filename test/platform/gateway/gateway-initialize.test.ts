// issue 10 item 9: a client on the gateway must start the MCP session (initialize) before
// it may list or call tools. Before, a raw socket client could skip straight to tools/call.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { makeGateway } from './gateway-harness.js';
import { waitFor } from '../../support/keybroker-cli.js';

describe('Gateway session lifecycle', () => {
  it('refuses tools/call and tools/list before initialize, audited, and never reaches the child', async () => {
    const g = makeGateway();
    g.startChild();
    try {
      const [raw, serverSide] = InMemoryTransport.createLinkedPair();
      await g.gateway.openSession({ server: 'test', clientLabel: 'raw-client', via: 'socket', transport: serverSide });
      const replies: JSONRPCMessage[] = [];
      raw.onmessage = (m) => void replies.push(m);
      await raw.start();
      await raw.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'skipped initialize' } } });
      await raw.send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
      const answer = (id: number) => waitFor(`reply ${id}`, () => replies.find((m) => 'id' in m && m.id === id));
      for (const id of [1, 2]) {
        const r = await answer(id);
        assert.ok('error' in r, JSON.stringify(r));
        assert.equal(r.error.code, -32600);
        assert.match(r.error.message, /before initialize; start the MCP session with initialize first/);
      }
      assert.deepEqual(g.audit.filter((a) => a.event === 'gateway.rejected').map((a) => [a.code, a.client, a.reason]), [
        ['not-initialized', 'raw-client', 'tools/call before initialize'],
        ['not-initialized', 'raw-client', 'tools/list before initialize'],
      ]);
      // A proper client on its own session: the child never saw the refused call.
      const client = await g.connect();
      const counts = await client.callTool({ name: 'counts', arguments: {} });
      const seen = JSON.parse((counts.content as { text: string }[])[0]!.text) as Record<string, number>;
      assert.equal(seen['echo'], undefined);
      assert.ok(!g.audit.some((a) => a.event === 'tool.called' && a.tool === 'echo'), 'no echo call is audited');
    } finally {
      await g.dispose();
    }
  });
});
