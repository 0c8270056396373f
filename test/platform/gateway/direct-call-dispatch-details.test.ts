// Round 13 (C3-mutation): the edges of D239's direct `tools/call` dispatch that the first
// differential test (direct-call-dispatch.test.ts) did not reach. The same method: one script of
// raw JSON-RPC lines against a real SDK Server, once through the SDK's `_onrequest` and once
// through serveCallsDirectly; the handler must see the same extra, and the client and the
// server's error hook must see the same messages, options and errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { EmptyResultSchema, type CallToolRequest, type CallToolResult, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LazyAbort, serveCallsDirectly, type DirectCallExtra } from '../../../src/platform/gateway/direct-call-dispatch.js';
import { setForwardingCallHandler } from '../../../src/platform/gateway/forward.js';
import { until } from '../../support/wait.js';

type Extra = {
  signal: AbortSignal;
  cancel?: unknown;
  sessionId?: string;
  _meta?: unknown;
  authInfo?: unknown;
  requestId: unknown;
  requestInfo?: unknown;
  sendNotification: (n: never) => Promise<void>;
  sendRequest: (r: never, schema: never, options?: object) => Promise<unknown>;
};

const call = (id: number, name: string, args: Record<string, unknown> = {}, meta?: Record<string, unknown>): JSONRPCMessage =>
  ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta && { _meta: meta }) } }) as JSONRPCMessage;

/** One run of the script: what the handler saw, what the server sent (with its send options), its errors. */
async function script(direct: boolean) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  (serverSide as { sessionId?: string }).sessionId = 'session-1';
  const server = new Server({ name: 's', version: '1' }, { capabilities: { tools: {} } });
  const errors: string[] = [];
  server.onerror = (e) => errors.push(e.message);
  const log: unknown[] = [];
  const kinds: { k: string; direct: boolean }[] = [];
  const waiting = new Map<string, () => void>();
  const done = new Set<string>();
  const handler = async (request: CallToolRequest, extra: Extra): Promise<CallToolResult> => {
    const name = request.params.name;
    const k = String(request.params.arguments?.['k'] ?? name);
    kinds.push({ k, direct: extra.cancel instanceof LazyAbort });
    try {
      if (name === 'extra') {
        const { sessionId, _meta, authInfo, requestId, requestInfo } = extra;
        return { content: [{ type: 'text', text: JSON.stringify({ sessionId, _meta, authInfo, requestId, requestInfo }) }] };
      }
      if (name === 'ask') {
        // A notification and a request of the server to the client during the call, the request with options of the caller's.
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: 'p3', progress: 1 } } as never);
        await extra.sendRequest({ method: 'ping' } as never, EmptyResultSchema as never, { onprogress: () => undefined });
        return { content: [{ type: 'text', text: 'asked' }] };
      }
      if (name === 'no-message') throw { code: -32001 };
      if (name === 'odd-code') throw Object.assign(new Error('odd'), { code: 'E_ODD', data: 'why' });
      if (name === 'float-code') throw Object.assign(new Error('float'), { code: 1.5 });
      if (name === 'wait' || name === 'late') {
        const signal = extra.signal;
        await new Promise<void>((resolve) => {
          waiting.set(k, resolve);
          signal.addEventListener('abort', () => resolve());
        });
        log.push(`${k} aborted: ${signal.aborted}`);
        if (name === 'late') {
          // After the cancel: a notification is not sent, a request is refused, and the error
          // thrown from it gets no answer.
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: 'p7', progress: 1 } } as never);
          await extra.sendRequest({ method: 'ping' } as never, EmptyResultSchema as never).catch((e: unknown) => {
            log.push(`${k}: ${String(e)}`);
            throw e;
          });
        }
      }
      return { content: [{ type: 'text', text: name }] };
    } finally {
      done.add(k);
    }
  };
  setForwardingCallHandler(server, handler as never);
  await server.connect(serverSide);
  const sent: { m: JSONRPCMessage; o: unknown }[] = [];
  let failSends = false;
  const send = serverSide.send.bind(serverSide);
  serverSide.send = (m, o) => {
    if (failSends) return Promise.reject(new Error('the client went away'));
    sent.push({ m, o });
    return send(m, o);
  };
  if (direct) assert.ok(serveCallsDirectly(server, serverSide, handler as unknown as (r: CallToolRequest, e: DirectCallExtra) => Promise<CallToolResult>), 'installed on the SDK in use');
  // The client: answers the server's pings, keeps everything else.
  const got: JSONRPCMessage[] = [];
  clientSide.onmessage = (m) => {
    got.push(m);
    if ('method' in m && m.method === 'ping' && 'id' in m) void clientSide.send({ jsonrpc: '2.0', id: m.id, result: {} });
  };
  await clientSide.start();
  const answered = (id: number) => got.some((m) => 'id' in m && m.id === id && !('method' in m));
  const deliver = (m: JSONRPCMessage, extra?: object) => serverSide.onmessage!(m, extra as never);

  // A `tools/call` without an id is a notification: nobody's handler runs, nothing is answered.
  deliver({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'extra', arguments: { k: 'notification' } } } as JSONRPCMessage);
  // The extra the handler sees: the transport's session, the request's `_meta`, the line's auth and request info.
  deliver(call(1, 'extra', { k: 'with-info' }, { progressToken: 'p1' }), { authInfo: { token: 'opaque', clientId: 'c', scopes: [] }, requestInfo: { headers: { h: '1' } } });
  await until('the answer to 1', () => answered(1));
  // A transport that passes no extra at all.
  deliver(call(2, 'extra', { k: 'without-extra' }));
  await until('the answer to 2', () => answered(2));
  const calls: [number, string][] = [[3, 'ask'], [4, 'no-message'], [5, 'odd-code'], [6, 'float-code']];
  for (const [id, name] of calls) {
    deliver(call(id, name));
    await until(`the answer to ${id}`, () => answered(id));
  }

  // Cancelled: the late notification and request after the cancel, and the error, go nowhere.
  deliver(call(7, 'late', { k: 'late' }));
  await until('the late call waits', () => waiting.has('late'));
  deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'stop' } });
  await until('the late call ends', () => done.has('late'));

  // Two calls under one id (a client's bug or an attack): the first one's end must not take the
  // second one's place in the SDK's map, so the client's cancel still reaches the second.
  deliver(call(8, 'wait', { k: 'first' }));
  await until('the first call waits', () => waiting.has('first'));
  deliver(call(8, 'wait', { k: 'second' }));
  await until('the second call waits', () => waiting.has('second'));
  waiting.get('first')!();
  await until('the first call ends', () => done.has('first'));
  await until('the first call is answered', () => answered(8));
  deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 8, reason: 'stop' } });
  // The cancel is taken before a request that follows it is answered; then the second call is
  // released too, so the run ends whether or not the cancel reached it.
  deliver(call(10, 'extra', { k: 'after-cancel' }));
  await until('the answer to 10', () => answered(10));
  waiting.get('second')!();
  await until('the second call ends', () => done.has('second'));

  // A failed send of the answer goes to the server's error hook, as the SDK's.
  failSends = true;
  deliver(call(9, 'echo'));
  await until('the failed send is reported', () => errors.length > 0);
  failSends = false;
  const controllers = (server as unknown as { _requestHandlerAbortControllers: Map<unknown, unknown> })._requestHandlerAbortControllers;
  await until('no call is left in the SDK\'s map', () => controllers.size === 0);
  await server.close();
  return { sent, got, log, errors, kinds };
}

describe('serveCallsDirectly, its edges (D239, round 13)', () => {
  it('gives the handler the SDK\'s extra and the client the SDK\'s answers: session, _meta, auth, request info, a request of its own, odd errors, a late cancel, a repeated id, a failed send', async () => {
    const sdk = await script(false);
    const ours = await script(true);
    assert.deepEqual(ours.kinds.map((k) => k.k), sdk.kinds.map((k) => k.k), 'the same handler runs (none for a tools/call without an id)');
    assert.ok(ours.kinds.every((k) => k.direct) && sdk.kinds.every((k) => !k.direct), 'every call of the second run went the direct way');
    assert.deepEqual(ours.log, sdk.log, 'the same cancels reached the handler, and the late request failed the same way');
    assert.ok(sdk.log.includes('second aborted: true'), 'the SDK cancels the second call under a repeated id');
    assert.deepEqual(ours.errors, sdk.errors, 'the same errors reached the server\'s error hook');
    assert.deepEqual(ours.sent, sdk.sent, 'the same messages sent, with the same send options, in the same order');
    assert.equal(JSON.stringify(ours.got), JSON.stringify(sdk.got), 'the client got the same lines, key for key');
    // Readable pins of what the differential compares, so a failure says which edge moved.
    const seen = (id: number): unknown => {
      const m = ours.got.find((x) => 'id' in x && x.id === id && 'result' in x) as { result: CallToolResult } | undefined;
      return JSON.parse((m?.result.content[0] as { text: string }).text);
    };
    assert.deepEqual(seen(1), { sessionId: 'session-1', _meta: { progressToken: 'p1' }, authInfo: { token: 'opaque', clientId: 'c', scopes: [] }, requestId: 1, requestInfo: { headers: { h: '1' } } }, 'the extra carries the session, the request\'s _meta, the auth and request info');
    assert.deepEqual(seen(2), { sessionId: 'session-1', requestId: 2 }, 'and without the transport\'s extra, no auth or request info');
    assert.ok(ours.sent.some(({ m, o }) => 'method' in m && m.method === 'ping' && (o as { relatedRequestId?: unknown }).relatedRequestId === 3 && JSON.stringify(m).includes('progressToken')), 'the handler\'s own request names its call and keeps the caller\'s options');
    assert.ok(ours.sent.some(({ m, o }) => 'method' in m && m.method === 'notifications/progress' && (o as { relatedRequestId?: unknown }).relatedRequestId === 3), 'the handler\'s notification names its call');
    assert.ok(!JSON.stringify(ours.sent).includes('p7'), 'a notification after the cancel is not sent');
    assert.ok(ours.log.includes('late: McpError: MCP error -32000: Request was cancelled'), 'a request after the cancel is refused');
    assert.deepEqual(ours.errors, ['Failed to send response: Error: the client went away'], 'one failed send reported');
  });
});

describe('serveCallsDirectly, where it does not install', () => {
  const state = () => ({ _requestHandlerAbortControllers: new Map(), _requestHandlers: new Map(), _onerror: () => undefined } as Record<string, unknown>);
  const transport = (): Transport => {
    const [, t] = InMemoryTransport.createLinkedPair();
    t.onmessage = () => undefined;
    return t;
  };
  const noCall = async (): Promise<CallToolResult> => ({ content: [] });

  it('installs on a Server with every field it reads, and on nothing else', () => {
    const t = transport();
    const before = t.onmessage;
    assert.equal(serveCallsDirectly(state() as unknown as Server, t, noCall), true, 'every field present: installed');
    assert.notEqual(t.onmessage, before, 'the transport\'s onmessage is wrapped');
    const without: [string, Record<string, unknown>][] = [
      ['no map of abort controllers', { _requestHandlerAbortControllers: {} }],
      ['no map of handlers', { _requestHandlers: [] }],
      ['a task store', { _taskStore: {} }],
      ['no error hook', { _onerror: 'not a function' }],
    ];
    for (const [what, change] of without) {
      const t2 = transport();
      const before2 = t2.onmessage;
      assert.equal(serveCallsDirectly({ ...state(), ...change } as unknown as Server, t2, noCall), false, `${what}: not installed`);
      assert.equal(t2.onmessage, before2, `${what}: the transport is left as it was`);
    }
    const [, bare] = InMemoryTransport.createLinkedPair();
    assert.equal(serveCallsDirectly(state() as unknown as Server, bare, noCall), false, 'a transport not yet connected (no onmessage): not installed');
    assert.equal(bare.onmessage, undefined, 'and left without one');
  });
});

describe('LazyAbort, its edges', () => {
  it('aborts without listeners, removes the first listener on undo, and builds one signal', () => {
    const quiet = new LazyAbort();
    assert.doesNotThrow(() => quiet.abort(), 'an abort with no listener (the SDK\'s cancel of a call that never listened) does not throw');
    // A client's cancel without a reason: the handler reads the reason an AbortController gives.
    const native = new AbortController();
    native.abort();
    const reason = quiet.reason as DOMException;
    const nativeReason = native.signal.reason as DOMException;
    assert.deepEqual([reason.name, reason.message], [nativeReason.name, nativeReason.message], 'the reason an AbortController gives when none is given');
    const abort = new LazyAbort();
    const signal = abort.signal;
    assert.equal(abort.signal, signal, 'the signal is built once');
    const told: string[] = [];
    const undoFirst = abort.onAbort(() => told.push('first'));
    abort.onAbort(() => told.push('second'));
    undoFirst();
    abort.abort();
    assert.deepEqual(told, ['second'], 'the undone first listener is not told');
    assert.ok(signal.aborted, 'the signal read before is aborted');
  });
});
