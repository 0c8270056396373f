// Y5-redteam: a hostile MCP client with a valid API key against the real HTTP front door in
// front of the real Gateway and a real test-server child (each session's share, D183).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, makeGateway } from '../gateway/gateway-harness.js';
import { doorsPerTest, initializeBody, mcpHeaders, rawRequest } from './http-test-kit.js';
import type { FakeGatewaySessions } from './http-test-kit.js';

const { door } = doorsPerTest();
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('HTTP front door and the Gateway under attack (Y5-redteam): request ids', () => {
  it('Security: a request that reuses the id of a queued one is refused, so the queued call stays cancellable and never runs after its session was deleted', async () => {
    const g = makeGateway(gatewayConfig(), { shares: { childCap: 4, sessionCap: 1 } });
    g.startChild();
    try {
      const { door: d } = await door({ sessions: g.gateway as unknown as FakeGatewaySessions });
      const path = '/mcp/test';
      const init = await rawRequest(d.port, { path, headers: mcpHeaders(), body: initializeBody('hostile') });
      assert.equal(init.status, 200, `initialize answered: ${init.body}`);
      const sid = String(init.headers['mcp-session-id']);
      const headers = mcpHeaders({ 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' });
      const post = (body: unknown) => rawRequest(d.port, { path, headers, body: JSON.stringify(body) });
      assert.equal((await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202, 'initialized accepted');
      const observer = await g.connect('observer');
      const counts = async () => JSON.parse(textOf(await observer.callTool({ name: 'counts', arguments: {} }))) as Record<string, number>;
      const call = (id: number, name: string, args: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
      // The session's one place: a slow call the child runs.
      const slow = post(call(10, 'slow', { steps: 1000, delayMs: 20 }));
      await until('the slow call at the child', async () => (await counts())['slow'] === 1);
      // Its next call waits at the gateway (over its share).
      const first = post(call(11, 'echo', { text: 'first' }));
      await until('the queued call audited', () => g.audit.some((r) => r.event === 'gateway.queued' && r.client === 'hostile'));
      // The same id again, while the first is still queued.
      let answered = false;
      const again = post(call(11, 'echo', { text: 'second' })).finally(() => (answered = true));
      const share = (g.gateway as unknown as { entries: Map<string, { share: { waiting: number } }> }).entries.get('test')!.share;
      await until('the repeated id answered or queued', () => answered || share.waiting === 2);
      // The client leaves: every call of its session must go with it.
      assert.equal((await rawRequest(d.port, { method: 'DELETE', path, headers })).status, 200, 'DELETE accepted');
      await Promise.allSettled([slow, first]);
      await until('the slow call cancelled at the child', async () => (await counts())['slow.cancelled'] === 1);
      const seen = await counts();
      assert.equal(seen['echo'], undefined, `no call of the deleted session reached the child: ${JSON.stringify(seen)}`);
      const repeated = await again;
      assert.match(repeated.body, /"id":11/, `the repeated id is answered: ${repeated.status} ${repeated.body}`);
      assert.match(repeated.body, /already being served/, `the answer says the id is taken: ${repeated.body}`);
      assert.doesNotMatch(repeated.body, /"result"/, 'the repeated id ran nothing');
      assert.equal(share.waiting, 0, 'nothing of the deleted session waits at the gateway');
      await observer.close();
    } finally {
      await g.dispose();
    }
  });

  it('held: an id is free again once answered or cancelled, and two sessions may use the same id at once', async () => {
    const g = makeGateway(gatewayConfig());
    g.startChild();
    try {
      const { door: d } = await door({ sessions: g.gateway as unknown as FakeGatewaySessions });
      const path = '/mcp/test';
      const open = async (name: string) => {
        const init = await rawRequest(d.port, { path, headers: mcpHeaders(), body: initializeBody(name) });
        const headers = mcpHeaders({ 'mcp-session-id': String(init.headers['mcp-session-id']), 'mcp-protocol-version': '2025-06-18' });
        const post = (body: unknown) => rawRequest(d.port, { path, headers, body: JSON.stringify(body) });
        assert.equal((await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202, 'initialized accepted');
        return post;
      };
      const a = await open('a');
      const b = await open('b');
      const echo = (id: number, text: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { text } } });
      const [fromA, fromB] = await Promise.all([a(echo(5, 'from a')), b(echo(5, 'from b'))]);
      assert.match(fromA.body, /"text":"from a"/, `A's own answer: ${fromA.body}`);
      assert.match(fromB.body, /"text":"from b"/, `B's own answer: ${fromB.body}`);
      assert.match((await a(echo(5, 'again'))).body, /"text":"again"/, 'an answered id may be used again');
      // A slow call cancelled: its id is free at once (the SDK never answers a cancelled request).
      const slow = a({ jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'slow', arguments: { steps: 1000, delayMs: 20 } } });
      const observer = await g.connect('observer');
      await until('the slow call at the child', async () => (JSON.parse(textOf(await observer.callTool({ name: 'counts', arguments: {} }))) as Record<string, number>)['slow'] === 1);
      assert.equal((await a({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 6 } })).status, 202, 'cancel accepted');
      assert.match((await a(echo(6, 'after cancel'))).body, /"text":"after cancel"/, 'a cancelled id may be used again');
      void slow.catch(() => undefined);
      await observer.close();
    } finally {
      await g.dispose();
    }
  });
});
