// D231: a child of our runtime says when the handler of a call the gateway cancelled
// has really ended (`keybroker/cancelled-done`), and the call's place comes back then, not after
// D211's 60 s grace. Before, every honest cancel held one of the client's 16 places for 60 s.
// A child can lie: the notification ends only a request this gateway cancelled at that child, so a
// lie frees no running call's place. Real parts: the real Gateway (default caps), real children
// (our runtime's Toolkit in cancel-test-server.ts; the compromised child for the lies), real SDK
// Clients; a ManualClock that never moves, so the grace never gives a place back here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_CALLS_IN_FLIGHT } from '../../../src/platform/gateway/fair-share.js';
import { FORWARDED_ID_BASE } from '../../../src/platform/gateway/forwarded-calls.js';
import type { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, makeGateway } from './gateway-harness.js';

const SHARE = CLIENT_CALLS_IN_FLIGHT;
const OURS: ServerSpec = { name: 'cancel', kind: 'vsphere', modulePath: path.resolve(import.meta.dirname, '../../fixtures/cancel-test-server.ts'), execArgv: ['--import', 'tsx'] };
const EVIL: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs'), args: ['--mcp'] };

interface Tally { started: { hold: number; stubborn: number }; ended: { hold: number; stubborn: number }; aborted: { stubborn: number } }

const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

/** `n` calls of `tool` by `client` that run until cancelled (an hour's timeout: only the cancel ends them). */
function calls(client: Client, tool: string, n = SHARE) {
  return Array.from({ length: n }, () => {
    const abort = new AbortController();
    const done = client.callTool({ name: tool, arguments: {} }, undefined, { signal: abort.signal, timeout: 3_600_000 }).then(() => 'answered', () => 'rejected');
    return { abort, done };
  });
}

async function cancelAll(batch: ReturnType<typeof calls>): Promise<void> {
  for (const c of batch) c.abort.abort();
  assert.deepEqual(new Set(await Promise.all(batch.map((c) => c.done))), new Set(['rejected']), 'the client has its cancels');
}

/**
 * Run `body` on a real Gateway in front of `spec`'s child (a ManualClock that never moves, so the
 * grace never gives a place back) with two clients, A and B, and `tally`: our test child's counts,
 * asked by B. Disposes the gateway after.
 */
async function withGateway(spec: ServerSpec, body: (w: { g: ReturnType<typeof makeGateway>; child: ChildProcessHandle; a: Client; b: Client; tally: () => Promise<Tally> }) => Promise<void>): Promise<void> {
  const g = makeGateway(gatewayConfig(), { clock: new ManualClock(), spec });
  const child = g.startChild();
  try {
    const a = await g.connect('client-a', 'key-a');
    const b = await g.connect('client-b', 'key-b');
    const tally = async () => JSON.parse(textOf(await b.callTool({ name: 'cancel_tally', arguments: {} }))) as Tally;
    await body({ g, child, a, b, tally });
  } finally {
    await g.dispose();
  }
}

describe('a cancelled call of our runtime gives its place back when its handler ended (D231)', () => {
  it('an honest cancel frees the place at once, without the grace period', async () => {
    await withGateway(OURS, async ({ a, tally }) => {
      const first = calls(a, 'cancel_hold');
      await until("A's first 16 calls at the child", async () => (await tally()).started.hold === SHARE);
      await cancelAll(first);
      // The clock never moves: only the child's word frees A's places for its next 16 calls.
      const second = calls(a, 'cancel_hold');
      await until("A's next 16 calls at the child once the cancelled handlers ended", async () => (await tally()).started.hold === 2 * SHARE);
      assert.equal((await tally()).ended.hold, SHARE, 'exactly the first 16 handlers ended');
      await cancelAll(second);
      await until('the second handlers ended', async () => (await tally()).ended.hold === 2 * SHARE);
    });
  });

  it('a cancelled handler that goes on keeps its place until it really ends', async () => {
    await withGateway(OURS, async ({ a, b, tally }) => {
      const stubborn = calls(a, 'cancel_stubborn');
      await until("A's 16 stubborn calls at the child", async () => (await tally()).started.stubborn === SHARE);
      await cancelAll(stubborn);
      const next = calls(a, 'cancel_hold', 1);
      // The child has the cancels; anything it said at them reached the gateway before the next
      // answer, and a place freed then sends A's call before the answer after it.
      await until('the cancels at the child', async () => (await tally()).aborted.stubborn === SHARE);
      await tally();
      assert.equal((await tally()).started.hold, 0, "A's next call reached the child while its cancelled calls still ran there");
      assert.equal(textOf(await b.callTool({ name: 'cancel_finish', arguments: {} })), `finished ${SHARE}`, 'the stubborn calls were still running');
      await until("A's next call at the child once the stubborn handlers ended", async () => (await tally()).started.hold === 1);
      await cancelAll(next);
    });
  });
});

describe('a child that lies with keybroker/cancelled-done', () => {
  it('frees only the places of calls cancelled at it, never a running call of another session', async () => {
    await withGateway(EVIL, async ({ g, child, a, b }) => {
      const got: string[] = [];
      let lies = 0;
      child.onDidMessage((m) => {
        const r = m as { ch?: string; kind?: string; who?: string };
        if (r.ch === 'report' && r.kind === 'got') got.push(r.who!);
        if (r.ch === 'report' && r.kind === 'lied') lies++;
      });
      const count = (who: string) => got.filter((w) => w === who).length;
      const report = (who: string) => `{"ch":"report","kind":"got","who":"${who}"}\n`;
      const answer = (text: string) => `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"result":{"content":[{"type":"text","text":"${text}"}]}}}\n`;
      const c = await g.connect('client-c', 'key-c');
      const held = (client: Client, who: string, n = SHARE) => Array.from({ length: n }, () => {
        const abort = new AbortController();
        const done = client.callTool({ name: 'evil_answer', arguments: { raw: report(who), later: answer(who) } }, undefined, { signal: abort.signal, timeout: 3_600_000 }).then(() => 'answered', () => 'rejected');
        return { abort, done };
      });
      /** A call of C, answered at once: every call sent before it had its chance to reach the child. */
      const cCall = async (n: number) => assert.equal(textOf(await c.callTool({ name: 'evil_answer', arguments: { raw: `${report(`C${n}`)}${answer(`c${n}`)}` } })), `c${n}`, "C's call is answered");

      const bRunning = held(b, 'B1');
      const aCancelled = held(a, 'A1');
      await until("B's and A's 16 calls at the child", () => count('B1') === SHARE && count('A1') === SHARE);
      await cancelAll(aCancelled);
      // The lie: every request id so far "ended" (the SDK's and the forwarded calls', D237), B's
      // running calls' too, and ids never sent.
      child.send({ ch: 'attack', kind: 'cancelled-done', ids: [0, FORWARDED_ID_BASE].flatMap((base) => Array.from({ length: 200 }, (_, i) => base + i)) });
      await until('the lies sent', () => lies === 1);
      const bNext = held(b, 'B2', 1);
      await cCall(1);
      assert.equal(count('B2'), 0, "B's next call reached the child: the lie freed a place of B's running calls");
      // A's own abandoned calls lost their places early: the lie's whole effect, on this child.
      const aNext = held(a, 'A2');
      await until("A's next calls at the child (the lie freed A's cancelled calls' places)", () => count('A2') === SHARE);
      assert.equal(count('B2'), 0, "B's next call still waits for B's own calls");
      // A malformed one is refused and audited as the child's fault.
      child.send({ ch: 'attack', kind: 'cancelled-done', params: { requestId: { not: 'an id' } } });
      await until('the malformed one refused', () => g.audit.some((r) => r.event === 'frame.invalid' && String(r.reason).includes('keybroker/cancelled-done')));
      // B's running calls are still answered as the child answers them, and its next call runs then.
      child.send({ ch: 'attack', kind: 'answer-held' });
      assert.deepEqual(new Set(await Promise.all(bRunning.map((x) => x.done))), new Set(['answered']), "B's running calls are answered");
      await until("B's next call at the child once B's calls were answered", () => count('B2') === 1);
      child.send({ ch: 'attack', kind: 'answer-held' });
      await Promise.all(bNext.map((x) => x.done));
      for (const x of aNext) x.abort.abort();
      await Promise.all(aNext.map((x) => x.done));
    });
  });
});
