// C6-redteam: the forwarded call's own id map (D237) and the direct dispatch (D239) under a
// compromised child and two sessions that use the same request ids and progress token. The child
// answers ids it was never sent (a future one, one as a string, one as a float), answers a call
// twice, sends progress for another call's forwarded id and answers a call its client
// cancelled; the clients reuse each other's ids and one cancels its request 2 while the other's
// request 2 runs. Each session must get exactly the answers the child wrote for its own calls, a
// cancel must reach only its own session's call, and the child's stray lines must end nothing.
// Real parts: the real Gateway, the compromised child (`--mcp`), real Unix sockets, the real
// JsonLineTransport; the clients write their lines by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FORWARDED_ID_BASE } from '../../../src/platform/gateway/forwarded-calls.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, makeGateway } from './gateway-harness.js';
import { rawSocketSession, type HostLine } from './raw-socket-session.js';

const EVIL: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs'), args: ['--mcp'] };

const report = (who: string) => `{"ch":"report","kind":"got","who":"${who}"}\n`;
const mcp = (msg: string) => `{"ch":"mcp","msg":${msg}}\n`;
const answerTo = (id: string, text: string) => mcp(`{"jsonrpc":"2.0","id":${id},"result":{"content":[{"type":"text","text":"${text}"}]}}`);
const answer = (text: string) => answerTo('$ID', text);
const texts = (lines: HostLine[], id: number) => lines.filter((l) => l.id === id).map((l) => l.result?.content?.[0]?.text ?? `error: ${l.error?.message}`);

describe("a compromised child's stray answers and two sessions with the same ids", () => {
  it('each session gets only what the child wrote for its own calls; a cancel reaches only its own', async () => {
    const g = makeGateway(gatewayConfig(), { spec: EVIL });
    const child = g.startChild();
    const got: string[] = [];
    child.onDidMessage((m) => {
      const r = m as { ch?: string; kind?: string; who?: string };
      if (r.ch === 'report' && r.kind === 'got') got.push(r.who!);
    });
    const sessions: Awaited<ReturnType<typeof rawSocketSession>>[] = [];
    try {
      const a = await rawSocketSession(g.gateway, 'evil', 'client-a');
      sessions.push(a);
      const b = await rawSocketSession(g.gateway, 'evil', 'client-b');
      sessions.push(b);
      const call = (s: typeof a, id: number, raw: string, later?: string) => s.write({ id, method: 'tools/call', params: { name: 'evil_answer', arguments: { raw, ...(later !== undefined && { later }) }, _meta: { progressToken: 'tok' } } });
      // A's call 1 is the child's first forwarded call (FORWARDED_ID_BASE); it answers later.
      call(a, 1, report('A1'), answer('a1'));
      await until("A's call 1 at the child", () => got.includes('A1'));
      const aId = String(FORWARDED_ID_BASE);
      // B's call 1 (the next forwarded id): the child's stray lines, then B's answer, twice.
      const strays = [
        answerTo(String(FORWARDED_ID_BASE + 7), 'never-sent'),
        answerTo(JSON.stringify(aId), 'string-id'),
        answerTo(`${aId}.5`, 'float-id'),
        mcp(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":${aId},"progress":1,"message":"for-a"}}`),
        mcp(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"${aId}","progress":2,"message":"string-token"}}`),
      ].join('');
      call(b, 1, `${report('B1')}${strays}${answer('b1')}${answer('b1-again')}`);
      await until("B's answer", () => b.lines.some((l) => l.id === 1));
      child.send({ ch: 'attack', kind: 'answer-held' });
      await until("A's answer", () => a.lines.some((l) => l.id === 1));
      await until('the float id refused as an invalid frame', () => g.audit.some((r) => r.event === 'frame.invalid'));
      // Request 2 of both; A cancels its own. B's still runs and is answered; A's never is.
      call(a, 2, report('A2'), answer('a2'));
      call(b, 2, report('B2'), answer('b2'));
      await until('both calls 2 at the child', () => got.includes('A2') && got.includes('B2'));
      a.write({ method: 'notifications/cancelled', params: { requestId: 2, reason: 'A gives up' } });
      // After A's cancel (one line later on A's socket): a call of A answered at once.
      call(a, 3, answer('a3'));
      await until("A's call 3", () => a.lines.some((l) => l.id === 3));
      child.send({ ch: 'attack', kind: 'answer-held' });
      await until("B's answer 2", () => b.lines.some((l) => l.id === 2));
      // B's call 3 after everything: all the child's lines before it reached both sessions.
      call(b, 3, answer('b3'));
      await until("B's call 3", () => b.lines.some((l) => l.id === 3));

      assert.deepEqual(texts(a.lines, 1), ['a1'], "A's call 1 got its own answer, once");
      assert.deepEqual(texts(b.lines, 1), ['b1'], "B's call 1 got its own answer, once");
      assert.deepEqual(texts(a.lines, 2), [], "A's cancelled call got no answer");
      assert.deepEqual(texts(b.lines, 2), ['b2'], "A's cancel did not reach B's call 2");
      assert.deepEqual(texts(a.lines, 3), ['a3'], "A's call 3");
      const progress = (s: typeof a) => s.lines.filter((l) => l.method === 'notifications/progress').map((l) => `${String(l.params?.progressToken)}:${l.params?.message}`);
      // The child's progress for A's forwarded id is its word about A's call: it reaches A alone,
      // with A's token; one naming that id as a string reaches no one.
      assert.deepEqual(progress(a), ['tok:for-a'], "A's progress: only what the child sent for A's call");
      assert.deepEqual(progress(b), [], 'B got no progress: the child sent none for its calls');
      const all = [...a.lines, ...b.lines].map((l) => JSON.stringify(l));
      for (const stray of ['never-sent', 'string-id', 'float-id', 'b1-again', 'string-token']) assert.ok(!all.some((l) => l.includes(stray)), `the child's stray ${stray} reached a client`);
      assert.equal(g.audit.filter((r) => r.event === 'tool.called' && r.outcome === 'ok').length, 5, 'five calls answered (a1, b1, b2, a3, b3)');
    } finally {
      for (const s of sessions) await s.end();
      await g.dispose();
    }
  });
});
