// D183 through the real Gateway and a real test-server child, with small caps: a
// session's calls past its share wait at the gateway while another session's go, a write
// waiting for its approval holds no place, progress still flows, and a cancel frees a place once
// the grace period passed (the SDK's child never answers a cancelled call, D211).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CANCELLED_CALL_GRACE_MS } from '../../../src/platform/gateway/held-place.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { makeGateway, gatewayConfig } from './gateway-harness.js';
import { until } from '../../support/wait.js';

const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('Gateway: each session\'s share of a child (D183)', () => {
  it('runs a session\'s call while its write waits for approval, queues its next past the share, serves another session meanwhile', async () => {
    const clock = new ManualClock();
    const g = makeGateway(gatewayConfig(), { clock, shares: { childCap: 4, sessionCap: 1 } });
    g.startChild();
    try {
      const a = await g.connect('client-a');
      const b = await g.connect('client-b');
      // A write held for its approval holds no place at the child.
      const write = a.callTool({ name: 'destroy', arguments: { target: 'vm-1', endpoint: 'vc1' } });
      await until('the approval', () => g.pending.list().length > 0);
      const progress: number[] = [];
      const abort = new AbortController();
      const slow = a.callTool({ name: 'slow', arguments: { steps: 1000, delayMs: 20 } }, undefined, { signal: abort.signal, onprogress: (p) => void progress.push(p.progress) });
      await until('progress of A\'s slow call', () => progress.length > 0);
      // A holds its one place: its next call waits at the gateway.
      let echoed = false;
      const echo = a.callTool({ name: 'echo', arguments: { text: 'after' } }).then((r) => { echoed = true; return r; });
      await until('the wait audited', () => g.audit.some((r) => r.event === 'gateway.queued'));
      assert.deepEqual(g.audit.filter((r) => r.event === 'gateway.queued').map((r) => [r.client, r.code, r.count]), [['client-a', 'over-share', 1]], 'A\'s wait, over its share');
      const counted = JSON.parse(textOf(await b.callTool({ name: 'counts', arguments: {} }))) as Record<string, number>;
      assert.equal(echoed, false, 'B was answered while A\'s echo still waited');
      assert.equal(counted['echo'], undefined, 'A\'s waiting echo never reached the child');
      g.pending.decide(g.pending.list()[0]!.id, 'deny');
      assert.equal((await write as CallToolResult).isError, true, 'the write was denied');
      abort.abort();
      await assert.rejects(slow, 'A\'s slow call is cancelled');
      // The child (the SDK's server) never answers a cancelled call: its place comes back after the grace period.
      clock.advance(CANCELLED_CALL_GRACE_MS);
      assert.equal(textOf(await echo), 'after', 'the freed place went to A\'s waiting echo');
    } finally {
      await g.dispose();
    }
  });

  it('shares one client\'s share between the sessions of one client key, not another client\'s (D200)', async () => {
    const clock = new ManualClock();
    const g = makeGateway(gatewayConfig(), { clock, shares: { childCap: 4, clientCap: 1 } });
    g.startChild();
    try {
      const a1 = await g.connect('client-a', 'parent-1');
      const a2 = await g.connect('client-a', 'parent-1');
      const b = await g.connect('client-b', 'parent-2');
      const progress: number[] = [];
      const abort = new AbortController();
      const slow = a1.callTool({ name: 'slow', arguments: { steps: 1000, delayMs: 20 } }, undefined, { signal: abort.signal, onprogress: (p) => void progress.push(p.progress) });
      await until('progress of A\'s slow call', () => progress.length > 0);
      let echoed = false;
      const echo = a2.callTool({ name: 'echo', arguments: { text: 'a2' } }).then((r) => { echoed = true; return r; });
      await until('the wait audited', () => g.audit.some((r) => r.event === 'gateway.queued'));
      assert.deepEqual(g.audit.filter((r) => r.event === 'gateway.queued').map((r) => [r.client, r.code]), [['client-a', 'over-share']], 'A\'s second session waits: its client holds its share');
      assert.equal(textOf(await b.callTool({ name: 'echo', arguments: { text: 'b' } })), 'b', 'B, another client key, goes at once');
      assert.equal(echoed, false, 'A\'s second session still waits');
      abort.abort();
      await assert.rejects(slow, 'A\'s slow call is cancelled');
      // The child (the SDK's server) never answers a cancelled call: its place comes back after the grace period.
      clock.advance(CANCELLED_CALL_GRACE_MS);
      assert.equal(textOf(await echo), 'a2', 'the freed place went to A\'s other session');
    } finally {
      await g.dispose();
    }
  });
});
