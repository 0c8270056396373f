// The ids the gateway cancelled at a child (ChildMcpTransport's `cancelled`, D211/D231) are
// remembered exactly: from the cancel of a request still open until its answer, its honoured
// `keybroker/cancelled-done`, or the channel's close (C2-tidy). Before, an id left the set on its
// answer only while some request was watched, and a plan cancelled after its answer (the SDK
// cancels on its signal's abort even then) stayed for good: a slow leak per call, and a later
// cancelled-done for that id still ended a request. Real parts: the compromised MCP child
// (`--mcp`: it answers a plan with the bytes the test gives, now or on `answer-held`, ignores
// cancellation, and lies with cancelled-done on command), the real ChildConnection (the SDK's
// Client) and ChildMcpTransport the gateway uses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ChildConnection } from '../../../src/platform/gateway/child-connection.js';
import { buildChildEnv } from '../../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { until } from '../../support/wait.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs');
const SPEC: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: FIXTURE, args: ['--mcp'] };
const planAnswer = (text: string) => `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"result":{"ok":false,"error":"${text}"}}}\n`;
const N = 5;

/** The compromised child behind a real ChildConnection. */
async function world() {
  const handle = new ChildProcessHandle(new NodeLauncher(), { ...SPEC, env: buildChildEnv(process.env) }, () => undefined);
  const connection = new ChildConnection(handle, () => undefined);
  let lies = 0;
  handle.onDidMessage((m) => {
    const f = m as { ch?: string; kind?: string };
    if (f.ch === 'mcp') connection.transport.receive(m);
    if (f.ch === 'report' && f.kind === 'lied') lies++;
  });
  handle.start();
  await connection.open();
  const transport = connection.transport;
  /** One `evil_answer` plan, answered with `raw` now and `later` on `answer-held`. */
  const plan = (args: { raw?: string; later?: string }, signal = new AbortController().signal) => connection.plan('evil_answer', args, signal);
  /** A plan answered at once: every line the child wrote before its answer has been delivered. */
  const settled = async (what: string) => assert.deepEqual(await plan({ raw: planAnswer(what) }), { ok: false, error: what }, 'the sync plan is answered');
  const lie = async (ids: (string | number)[]) => {
    const before = lies;
    handle.send({ ch: 'attack', kind: 'cancelled-done', ids });
    await until('the lie sent', () => lies > before);
  };
  const dispose = async () => {
    await connection.close();
    assert.equal(transport.cancelledWaiting, 0, 'a closed channel remembers no cancelled id');
    await handle.stop({ graceMs: 1000 });
  };
  return { handle, transport, plan, settled, lie, dispose };
}

describe('the cancelled ids a child channel remembers', () => {
  it('forgets a cancelled request when the child answers it, watched or not', async () => {
    const w = await world();
    try {
      const aborts = Array.from({ length: N }, () => new AbortController());
      const plans = aborts.map((a, i) => w.plan({ later: planAnswer(`late ${i}`) }, a.signal));
      for (const a of aborts) a.abort(new Error('the client pressed stop'));
      await Promise.all(plans.map((p) => assert.rejects(p, /pressed stop/, 'the client has its cancel')));
      assert.equal(w.transport.cancelledWaiting, N, 'the cancelled plans are remembered until the child is done with them');
      w.handle.send({ ch: 'attack', kind: 'answer-held' });
      await w.settled('after the late answers');
      assert.equal(w.transport.cancelledWaiting, 0, 'each late answer took its id out of the set (no watcher needed)');
    } finally {
      await w.dispose();
    }
  });

  it('does not remember a request cancelled after its answer (the SDK cancels a plan when its call is abandoned later)', async () => {
    const w = await world();
    try {
      for (let round = 0; round < 3; round++) {
        const aborts = Array.from({ length: N }, () => new AbortController());
        await Promise.all(aborts.map((a, i) => w.plan({ raw: planAnswer(`now ${i}`) }, a.signal)));
        // The client leaves during the approval: the SDK still sends `notifications/cancelled` for the answered plan.
        for (const a of aborts) a.abort(new Error('the client left'));
        await w.settled(`round ${round}`);
        assert.equal(w.transport.cancelledWaiting, 0, `round ${round}: no answered plan's id is remembered as cancelled`);
      }
    } finally {
      await w.dispose();
    }
  });

  it('honours no cancelled-done for an id whose answer came, even when that id is sent again', async () => {
    const w = await world();
    try {
      const request = { jsonrpc: '2.0' as const, id: 'reused', method: 'keybroker/plan', params: { name: 'evil_answer', arguments: { later: planAnswer('late') } } };
      await w.transport.send(request);
      await w.transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'reused', reason: 'stop' } });
      assert.equal(w.transport.cancelledWaiting, 1, 'the cancelled request is remembered');
      w.handle.send({ ch: 'attack', kind: 'answer-held' });
      await w.settled('after the answer');
      assert.equal(w.transport.cancelledWaiting, 0, 'its answer ended it');
      // The same id again, now running (a client's own id, or a reused one): only its answer ends it.
      await w.transport.send(request);
      let ended = 0;
      const unwatch = w.transport.watchLastRequest(() => void ended++);
      await w.lie(['reused']);
      await w.settled('after the stale cancelled-done');
      assert.equal(ended, 0, 'the stale cancelled-done ended the running request');
      w.handle.send({ ch: 'attack', kind: 'answer-held' });
      await until('the running request answered', () => ended === 1);
      unwatch();
      // A cancelled-done for an id never cancelled, or never sent, is no more honoured.
      await w.lie(['never-sent', 0, 1]);
      await w.settled('after the lies');
      assert.equal(w.transport.cancelledWaiting, 0, 'the lies left nothing behind');
    } finally {
      await w.dispose();
    }
  });
});
