// holdPlace (D211) on its own, with real parts: the compromised MCP child (`--mcp`: it answers a
// call with the bytes the test gives, now or only on `answer-held`, and ignores cancellation),
// the real ChildConnection and ChildMcpTransport the gateway uses, and a ManualClock. The
// gateway tests (cancelled-call-place, gateway-fair-share) see a place only through FairShare,
// whose release does nothing the second time; here a place is a counter, so each call must give
// it back exactly once, at the right moment, and leave no grace timer behind (A5-mutation: the
// survivors of held-place.ts's first mutation run). Since round 12 a forwarded `tools/call` holds
// its place in its own entry (forwarded-calls.ts, tested in forwarded-calls.test.ts); holdPlace
// holds a `keybroker/plan`'s, so the calls here are plans, answered with the tool's own error text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ChildConnection } from '../../../src/platform/gateway/child-connection.js';
import { CANCELLED_CALL_GRACE_MS, holdPlace } from '../../../src/platform/gateway/held-place.js';
import { buildChildEnv } from '../../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { until } from '../../support/wait.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs');
const SPEC: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: FIXTURE, args: ['--mcp'] };
const result = (text: string) => `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"result":{"ok":false,"error":"${text}"}}}\n`;
const error = `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"error":{"code":-32603,"message":"it went wrong"}}}\n`;

/** The compromised child behind a real ChildConnection; `place()` is a place that counts its releases. */
async function world() {
  const clock = new ManualClock();
  const invalid: string[] = [];
  const handle = new ChildProcessHandle(new NodeLauncher(), { ...SPEC, env: buildChildEnv(process.env) }, () => undefined);
  const connection = new ChildConnection(handle, (reason) => void invalid.push(reason));
  handle.onDidMessage((m) => { if ((m as { ch?: string }).ch === 'mcp') connection.transport.receive(m); });
  handle.start();
  await connection.open();
  const place = () => {
    const p = { released: 0, release: () => void p.released++ };
    return p;
  };
  /** One `evil_answer` plan on `p`, answered with `raw` now and `later` on `answer-held`. */
  const call = (p: ReturnType<typeof place>, args: { raw?: string; later?: string }, signal: AbortSignal, graceMs?: number) =>
    holdPlace(connection.transport, () => connection.plan('evil_answer', args, signal), p.release, { clock, ...(graceMs !== undefined && { graceMs }) });
  const dispose = async () => {
    await connection.close();
    await handle.stop({ graceMs: 1000 });
    assert.deepEqual(invalid, [], 'the child sent nothing the transport refused');
  };
  return { clock, handle, connection, place, call, dispose };
}

describe('holdPlace (D211)', () => {
  it('gives an answered call\'s place back exactly once, when the child answers, and leaves no timer', async () => {
    const w = await world();
    try {
      const p = w.place();
      const r = await w.call(p, { raw: result('now') }, new AbortController().signal);
      assert.deepEqual(r, { ok: false, error: 'now' }, 'the child\'s answer comes back');
      assert.equal(p.released, 1, 'the place is given back once (the answer seen by the channel and the settled call are one release)');
      const e = w.place();
      await assert.rejects(w.call(e, { raw: error }, new AbortController().signal), /it went wrong/, 'the child\'s error comes back');
      assert.equal(e.released, 1, 'a call the child answered with an error gives its place back once too');
      assert.equal(w.clock.pendingTimers, 0, 'no grace timer for calls the child answered, result or error');
    } finally {
      await w.dispose();
    }
  });

  it('gives back at once the place of a call that was never sent, even right after an answered call', async () => {
    const w = await world();
    try {
      await w.call(w.place(), { raw: result('first') }, new AbortController().signal);
      const p = w.place();
      const gone = new AbortController();
      gone.abort(new Error('the client left before the call was sent'));
      const sent = w.connection.transport.requestsSent;
      await assert.rejects(w.call(p, { raw: result('never') }, gone.signal), /left before the call was sent/, 'the call is refused');
      assert.equal(w.connection.transport.requestsSent, sent, 'the call never reached the child');
      assert.equal(p.released, 1, 'its place is back at once: it never waits for an answer to another request, nor for the grace');
      assert.equal(w.clock.pendingTimers, 0, 'no grace timer for a call never sent');
    } finally {
      await w.dispose();
    }
  });

  it('keeps a cancelled call\'s place until the child answers it anyway, then gives it back once and cancels the grace', async () => {
    const w = await world();
    try {
      const p = w.place();
      const abort = new AbortController();
      const done = w.call(p, { later: result('late') }, abort.signal);
      abort.abort(new Error('the client pressed stop'));
      await assert.rejects(done, /pressed stop/, 'the client has its cancel');
      w.clock.advance(CANCELLED_CALL_GRACE_MS - 1);
      assert.equal(p.released, 0, 'within the grace the place is still held: the child may still work on the call');
      w.handle.send({ ch: 'attack', kind: 'answer-held' });
      await until('the place back once the child answered', () => p.released > 0);
      assert.equal(w.clock.pendingTimers, 0, 'the grace timer is cancelled by the answer');
      w.clock.advance(1);
      assert.equal(p.released, 1, 'given back once: the grace ending later changes nothing');
    } finally {
      await w.dispose();
    }
  });

  it('gives a cancelled call\'s place back when the grace passes, 60 s by default or the one given, and when the child goes away', async () => {
    const w = await world();
    try {
      const dflt = w.place();
      const short = w.place();
      const gone = w.place();
      const aborts = [new AbortController(), new AbortController(), new AbortController()];
      const calls = [
        w.call(dflt, { later: result('d') }, aborts[0]!.signal),
        w.call(short, { later: result('s') }, aborts[1]!.signal, 1000),
        w.call(gone, { later: result('g') }, aborts[2]!.signal, 10 * CANCELLED_CALL_GRACE_MS),
      ];
      for (const a of aborts) a.abort(new Error('cancelled'));
      for (const c of calls) await assert.rejects(c, /cancelled/, 'each call is cancelled');
      w.clock.advance(999);
      assert.deepEqual([dflt.released, short.released, gone.released], [0, 0, 0], 'all three held within their grace');
      w.clock.advance(1);
      assert.deepEqual([dflt.released, short.released, gone.released], [0, 1, 0], 'the call given 1 s is back after 1 s');
      w.clock.advance(CANCELLED_CALL_GRACE_MS - 1001);
      assert.equal(dflt.released, 0, 'the default grace is not over 1 ms before 60 s');
      w.clock.advance(1);
      assert.equal(dflt.released, 1, 'the default grace is 60 s');
      assert.equal(gone.released, 0, 'the call with a long grace still holds its place');
      await w.handle.stop({ graceMs: 1000 });
      await until('the place back once the child is gone', () => gone.released > 0);
      assert.deepEqual([dflt.released, short.released, gone.released], [1, 1, 1], 'each place given back exactly once');
      assert.equal(w.clock.pendingTimers, 0, 'no grace timer left once the child is gone');
    } finally {
      await w.dispose();
    }
  });
});
