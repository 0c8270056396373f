// D231 on the child's side (C4-mutation): our runtime's `keybroker/cancelled-done`, in process so
// the mutation run reaches it (a server child started by a gateway test runs without Stryker's
// mutant switch). Real parts: the SDK's McpServer with the Toolkit (a read tool, and a write
// tool's run and its `keybroker/plan` step through ToolPlanner) and the SDK's Client over
// InMemoryTransport, as the gateway's client for a child asks: with the `experimental`
// capability, or (a standalone client) without it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult, ClientCapabilities, JSONRPCMessage, Notification } from '@modelcontextprotocol/sdk/types.js';
import { CANCELLED_DONE_CAPABILITY, CANCELLED_DONE_METHOD } from '../../../../src/base/contracts/cancelled-done.js';
import { PLAN_METHOD, PlanResult } from '../../../../src/base/contracts/plan-protocol.js';
import { reportCancelledEnd } from '../../../../src/mcp/runtime/toolkit/cancelled-end.js';
import { DESTRUCTIVE, READ_ONLY, Toolkit } from '../../../../src/mcp/runtime/toolkit/index.js';
import type { ToolExtra } from '../../../../src/mcp/runtime/plan/tool-planner.js';
import { until } from '../../../support/wait.js';

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });
const ASKS = { experimental: { [CANCELLED_DONE_CAPABILITY]: {} } };

/**
 * A server of our runtime whose tools end only when the test says (`finish()`), each seeing its
 * cancel; and a client with `capabilities`, recording the request ids it sent and every
 * notification the server sent it.
 */
async function world(capabilities: ClientCapabilities = ASKS) {
  const server = new McpServer({ name: 'cancel-end', version: '1.0.0' });
  const tools = new Toolkit(server, { name: 'cancel-end', log: () => undefined });
  let finish: (() => void)[] = [];
  let ended = 0;
  /** Waits for `finish()` (it ignores its cancel, as a handler that goes on does); then throws when `fail`. */
  const hold = (name: string, fail: boolean) => async () => {
    await new Promise<void>((resolve) => finish.push(resolve));
    ended++;
    if (fail) throw new Error(`${name} stopped`);
    return text(`${name} ended`);
  };
  tools.define({ name: 'end_hold', title: 'Hold', description: 'Ends on finish', inputSchema: {}, annotations: READ_ONLY, run: hold('end_hold', false) });
  tools.define({ name: 'end_fail', title: 'Fail', description: 'Fails on finish', inputSchema: {}, annotations: READ_ONLY, run: hold('end_fail', true) });
  tools.define({ name: 'end_echo', title: 'Echo', description: 'Answers at once', inputSchema: {}, annotations: READ_ONLY, run: async () => text('echo') });
  tools.define({
    name: 'end_write', title: 'Write', description: 'A write whose plan ends on finish', inputSchema: {}, annotations: DESTRUCTIVE,
    plan: async () => {
      await hold('end_write plan', false)();
      return { summary: 'write', changes: [], objects: [], precondition: [] };
    },
    recheck: async () => undefined,
    run: hold('end_write', false),
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'gateway', version: '1' }, { capabilities });
  const sent: JSONRPCMessage[] = [];
  const send = clientSide.send.bind(clientSide);
  clientSide.send = (m, o) => {
    sent.push(m);
    return send(m, o);
  };
  const notes: Notification[] = [];
  client.fallbackNotificationHandler = async (n) => void notes.push(n);
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  /** The `keybroker/cancelled-done` notifications so far, as their params. */
  const dones = () => notes.filter((n) => n.method === CANCELLED_DONE_METHOD).map((n) => n.params);
  /** The id of the last request of `method` the client sent. */
  const lastId = (method: string) => (sent.filter((m) => 'method' in m && m.method === method && 'id' in m).at(-1) as { id: number }).id;
  /** One call answered at once: whatever the server sent before its answer has reached the client. */
  const roundTrip = async () => assert.equal(((await client.callTool({ name: 'end_echo', arguments: {} }) as CallToolResult).content[0] as { text: string }).text, 'echo', 'the echo answers');
  /** A call of `name` cancelled while its handler runs; settles once the server has the cancel. */
  const cancelled = async (name: string, method = 'tools/call') => {
    const abort = new AbortController();
    const request = method === 'tools/call'
      ? client.callTool({ name, arguments: {} }, undefined, { signal: abort.signal })
      : client.request({ method: PLAN_METHOD, params: { name, arguments: {} } } as never, PlanResult, { signal: abort.signal });
    const done = request.then(() => 'answered', () => 'rejected');
    await until(`${name} running`, () => finish.length > 0);
    const id = lastId(method);
    abort.abort(new Error('the person pressed stop'));
    assert.equal(await done, 'rejected', 'the client has its cancel');
    // The client sent its notifications/cancelled before this call: the server has it now.
    await roundTrip();
    return id;
  };
  const finishAll = () => {
    for (const f of finish.splice(0)) f();
  };
  const close = async () => {
    finishAll();
    finish = [];
    await client.close();
    await server.close();
  };
  return { server, client, dones, roundTrip, cancelled, finishAll, close, running: () => finish.length, ended: () => ended };
}

describe('reportCancelledEnd: a cancelled handler says when it has really ended (D231)', () => {
  it('sends keybroker/cancelled-done with the request id once the cancelled handler ends, not at the cancel, and once', async () => {
    const w = await world();
    try {
      const id = await w.cancelled('end_hold');
      // The handler goes on after its cancel: nothing said yet (the place stays taken while it runs).
      await w.roundTrip();
      assert.deepEqual(w.dones(), [], 'nothing sent while the cancelled handler still runs');
      w.finishAll();
      await until('the cancelled-done notification', () => w.dones().length > 0);
      await w.roundTrip();
      assert.deepEqual(w.dones(), [{ requestId: id }], 'exactly one, naming the cancelled request');
    } finally {
      await w.close();
    }
  });

  it('sends it also when the cancelled handler ends in an error, and for a write tool\'s run and its keybroker/plan step', async () => {
    const w = await world();
    try {
      const ids: number[] = [];
      for (const [name, method] of [['end_fail', 'tools/call'], ['end_write', 'tools/call'], ['end_write', PLAN_METHOD]] as const) {
        ids.push(await w.cancelled(name, method));
        w.finishAll();
        await until(`the cancelled-done of ${name} (${method})`, () => w.dones().length === ids.length);
      }
      await w.roundTrip();
      assert.deepEqual(w.dones(), ids.map((requestId) => ({ requestId })), 'one for each cancelled request, by its id');
    } finally {
      await w.close();
    }
  });

  it('sends nothing for a call that was not cancelled, answered or failed', async () => {
    const w = await world();
    try {
      const calls = [w.client.callTool({ name: 'end_hold', arguments: {} }), w.client.callTool({ name: 'end_fail', arguments: {} })];
      await until('both handlers running', () => w.running() === 2);
      w.finishAll();
      const [ok, failed] = (await Promise.all(calls)) as CallToolResult[];
      assert.equal(w.ended(), 2, 'both handlers ended');
      assert.equal(ok!.isError, undefined, 'the first call is answered');
      assert.equal(failed!.isError, true, 'the second call fails as a tool error');
      await w.roundTrip();
      assert.deepEqual(w.dones(), [], 'no cancelled-done for calls nobody cancelled');
    } finally {
      await w.close();
    }
  });

  it('sends nothing to a client that did not ask for it: none, or other experimental capabilities', async () => {
    for (const capabilities of [{}, { experimental: { 'keybroker/other': {} } }]) {
      const w = await world(capabilities);
      try {
        await w.cancelled('end_hold');
        w.finishAll();
        // A notification would be sent a few microtasks after the handler's end, well before this.
        await until('the cancelled handler ended', () => w.ended() === 1);
        await w.roundTrip();
        assert.deepEqual(w.dones(), [], `nothing sent to a client with ${JSON.stringify(capabilities)}`);
      } finally {
        await w.close();
      }
    }
  });

  it('gives back the work\'s own outcome, cancelled or not, whatever the client asked for', async () => {
    for (const capabilities of [ASKS, {}, { experimental: {} }]) {
      const w = await world(capabilities);
      try {
        const gone = new AbortController();
        gone.abort(new Error('cancelled'));
        for (const signal of [new AbortController().signal, gone.signal]) {
          const extra = { signal, requestId: 41 } as ToolExtra;
          assert.equal(await reportCancelledEnd(w.server.server, extra, async () => 'value'), 'value', `the work's value (${JSON.stringify(capabilities)}, aborted ${signal.aborted})`);
          await assert.rejects(reportCancelledEnd(w.server.server, extra, async () => {
            throw new Error('the work failed');
          }), /the work failed/, `the work's own error (${JSON.stringify(capabilities)}, aborted ${signal.aborted})`);
        }
      } finally {
        await w.close();
      }
    }
  });

  it('a cancelled handler that ends after the channel closed sends nothing and leaves no unhandled rejection', async () => {
    const w = await world();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const gone = new AbortController();
      gone.abort(new Error('cancelled'));
      let end!: () => void;
      const work = reportCancelledEnd(w.server.server, { signal: gone.signal, requestId: 7 } as ToolExtra, () => new Promise<string>((resolve) => (end = () => resolve('late'))));
      await w.client.close();
      await w.server.close();
      end();
      assert.equal(await work, 'late', 'the work still ends with its own value');
      // An unhandled rejection is reported after the microtasks of the turn it happened in.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled.map(String), [], 'the notification on a closed channel is caught');
      assert.deepEqual(w.dones(), [], 'nothing reached the closed client');
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await w.close();
    }
  });
});
