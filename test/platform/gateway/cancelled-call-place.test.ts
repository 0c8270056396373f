// D211: a call the client cancelled keeps its place at the child until the child answers
// it, its channel closes, or CANCELLED_CALL_GRACE_MS passes. Before, the place was freed at the
// cancel, so a client that cancels and calls again could give a child that ignores cancellation
// any number of calls (16 more per round, past the child's 64). Real parts: the real Gateway
// (default caps), the compromised child (`--mcp`, it ignores `notifications/cancelled`; each call
// reports itself at once and answers only on `answer-held`), real SDK Clients; a ManualClock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_CALLS_IN_FLIGHT } from '../../../src/platform/gateway/fair-share.js';
import { CANCELLED_CALL_GRACE_MS } from '../../../src/platform/gateway/held-place.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, makeGateway } from './gateway-harness.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs');
const SPEC: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: FIXTURE, args: ['--mcp'] };
const SHARE = CLIENT_CALLS_IN_FLIGHT;
const report = (who: string) => `{"ch":"report","kind":"got","who":"${who}"}\n`;
const answer = (text: string) => `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"result":{"content":[{"type":"text","text":"${text}"}]}}}\n`;

describe('a cancelled call keeps its place at the child (D211)', () => {
  it('until the child answers it, or the grace period passes: a client that cancels and calls again stays within its share', async () => {
    const clock = new ManualClock();
    const g = makeGateway(gatewayConfig(), { clock, spec: SPEC });
    const child = g.startChild();
    const got: string[] = [];
    child.onDidMessage((m) => {
      const r = m as { ch?: string; kind?: string; who?: string };
      if (r.ch === 'report' && r.kind === 'got') got.push(r.who!);
    });
    const count = (who: string) => got.filter((w) => w === who).length;
    try {
      const a = await g.connect('client-a', 'key-a');
      const b = await g.connect('client-b', 'key-b');
      /** `n` calls of A that reach the child as `who` and are answered only on `answer-held`. */
      const calls = (who: string, n = SHARE) => Array.from({ length: n }, () => {
        const abort = new AbortController();
        const done = a.callTool({ name: 'evil_answer', arguments: { raw: report(who), later: answer(who) } }, undefined, { signal: abort.signal, timeout: 3_600_000 }).then(() => 'answered', () => 'rejected');
        return { abort, done };
      });
      /** A call of B, answered at once: once it is back, every call sent before it had its chance. */
      const bCall = async (n: number) => {
        const r = (await b.callTool({ name: 'evil_answer', arguments: { raw: `${report(`B${n}`)}${answer(`b${n}`)}` } })) as CallToolResult;
        assert.equal((r.content[0] as { text: string }).text, `b${n}`, "B's call is answered");
      };

      const first = calls('A1');
      await until("A's first 16 calls at the child", () => count('A1') === SHARE);
      for (const c of first) c.abort.abort();
      assert.deepEqual(new Set(await Promise.all(first.map((c) => c.done))), new Set(['rejected']), 'the client has its cancels');
      const second = calls('A2');
      await bCall(1);
      assert.equal(count('A2'), 0, 'none of A\'s next calls reached the child: its cancelled ones still hold its share');
      await until('the wait audited', () => g.audit.some((r) => r.event === 'gateway.queued' && r.client === 'client-a'));

      // The child answers the cancelled calls (late): their places go to A's waiting calls.
      child.send({ ch: 'attack', kind: 'answer-held' });
      await until("A's second calls at the child once the first were answered", () => count('A2') === SHARE);
      assert.equal(got.length, 2 * SHARE + 1, 'never more than the share of A at the child');

      // Cancelled again; this time the child never answers: the places come back after the grace.
      for (const c of second) c.abort.abort();
      await Promise.all(second.map((c) => c.done));
      const third = calls('A3');
      clock.advance(CANCELLED_CALL_GRACE_MS - 1);
      await bCall(2);
      assert.equal(count('A3'), 0, 'within the grace period the cancelled calls still hold A\'s share');
      clock.advance(1);
      await until("A's third calls at the child after the grace period", () => count('A3') === SHARE);
      for (const c of third) c.abort.abort();
      await Promise.all(third.map((c) => c.done));
    } finally {
      await g.dispose();
    }
  });
});
