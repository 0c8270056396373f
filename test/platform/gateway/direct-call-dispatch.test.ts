// Issue 17 item 3, round 12 (D239): a socket client's plain `tools/call` is served
// without the SDK's `Server._onrequest` (its AbortController per request, its task parse). The
// client must see exactly what the SDK's own method sends: results, errors, progress, nothing for
// a cancelled call; the SDK's cancel and close must still reach the handler.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Protocol } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, McpError, type CallToolRequest, type CallToolResult, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LazyAbort, serveCallsDirectly, type DirectCallExtra } from '../../../src/platform/gateway/direct-call-dispatch.js';
import { setForwardingCallHandler } from '../../../src/platform/gateway/forward.js';
import { until } from '../../support/wait.js';

type Extra = { signal: AbortSignal; cancel?: unknown; sendNotification: (n: never) => Promise<void> };

/** A Server with the gateway's forwarding handler, a Client, and what the server sent. */
async function pair(direct: boolean) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = new Server({ name: 's', version: '1' }, { capabilities: { tools: {} } });
  const seen: { direct: boolean; signalRead: boolean }[] = [];
  const aborted: string[] = [];
  const waiting = new Map<string, () => void>();
  const handler = async (request: CallToolRequest, extra: Extra): Promise<CallToolResult> => {
    const name = request.params.name;
    seen.push({ direct: extra.cancel instanceof LazyAbort, signalRead: false });
    if (name === 'echo') return { content: [{ type: 'text', text: JSON.stringify(request.params.arguments ?? null) }] };
    if (name === 'progress') {
      await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: request.params._meta!.progressToken!, progress: 1, total: 2 } } as never);
      return { content: [] };
    }
    if (name === 'mcp-error') throw new McpError(ErrorCode.InvalidParams, 'bad', { field: 'x' });
    if (name === 'plain-error') throw new Error('broken');
    // 'wait': until cancelled (the signal read, as the gateway reads it when a call waits) or released.
    const signal = extra.signal;
    seen.at(-1)!.signalRead = true;
    await new Promise<void>((resolve) => {
      waiting.set(String(request.params.arguments?.['k']), resolve);
      signal.addEventListener('abort', () => {
        aborted.push(String(request.params.arguments?.['k']));
        resolve();
      });
    });
    return { content: [] };
  };
  setForwardingCallHandler(server, handler as never);
  const sent: JSONRPCMessage[] = [];
  await server.connect(serverSide);
  const send = serverSide.send.bind(serverSide);
  serverSide.send = (m, o) => {
    sent.push(m);
    return send(m, o);
  };
  if (direct) assert.ok(serveCallsDirectly(server, serverSide, handler as unknown as (r: CallToolRequest, e: DirectCallExtra) => Promise<CallToolResult>), 'installed on the SDK in use');
  const client = new Client({ name: 'c', version: '1' });
  await client.connect(clientSide);
  return { server, client, sent, seen, aborted, waiting };
}

/** One run of the same calls against a pair: what the client got, what the server sent. */
async function script(direct: boolean) {
  const { server, client, sent, seen, aborted, waiting } = await pair(direct);
  const got: unknown[] = [];
  const keep = (p: Promise<unknown>) => p.then((v) => got.push(v), (e: unknown) => got.push(String(e)));
  await keep(client.callTool({ name: 'echo', arguments: { a: 1 } }));
  await keep(client.callTool({ name: 'echo' }));
  const progress: unknown[] = [];
  await keep(client.callTool({ name: 'progress', arguments: {} }, undefined, { onprogress: (p) => progress.push(p) }));
  await keep(client.callTool({ name: 'mcp-error', arguments: {} }));
  await keep(client.callTool({ name: 'plain-error', arguments: {} }));
  // Not plain (an unknown key in params): the SDK's own path, the same answers.
  await keep(client.request({ method: 'tools/call', params: { name: 'echo', arguments: {}, other: 1 } } as never, (await import('../../../src/platform/gateway/forward.js')).ForwardedCallResult));
  const cancel = new AbortController();
  const cancelled = keep(client.callTool({ name: 'wait', arguments: { k: 'cancelled' } }, undefined, { signal: cancel.signal }));
  await until('the call reaches its handler', () => waiting.has('cancelled'));
  cancel.abort('stop');
  await cancelled;
  await until('the handler sees the cancel', () => aborted.includes('cancelled'));
  const released = keep(client.callTool({ name: 'wait', arguments: { k: 'released' } }));
  await until('the second call reaches its handler', () => waiting.has('released'));
  waiting.get('released')!();
  await released;
  void client.callTool({ name: 'wait', arguments: { k: 'open' } }).catch(() => undefined);
  await until('the third call reaches its handler', () => waiting.has('open'));
  const controllers = (server as unknown as { _requestHandlerAbortControllers: Map<unknown, unknown> })._requestHandlerAbortControllers;
  assert.equal(controllers.size, 1, 'only the open call is in the SDK\'s map');
  await server.close();
  await until('closing the server aborts the open call', () => aborted.includes('open'));
  // Ids differ by nothing here (the same client order); the cancelled call got no answer.
  return { got, progress, sent: sent.filter((m) => !('method' in m && m.method === 'notifications/message')), seen, left: controllers.size };
}

describe('serveCallsDirectly (D239)', () => {
  it('the client sees exactly what the SDK\'s _onrequest sends: results, errors, progress, no answer to a cancelled call, the cancel and close reach the handler', async () => {
    const sdk = await script(false);
    const ours = await script(true);
    assert.deepEqual(ours.got, sdk.got, 'the same answers');
    assert.deepEqual(ours.progress, sdk.progress, 'the same progress');
    assert.deepEqual(ours.sent, sdk.sent, 'the same messages from the server, in the same order');
    assert.equal(JSON.stringify(ours.sent), JSON.stringify(sdk.sent), 'key for key');
    assert.equal(ours.left, 0, 'nothing is left in the SDK\'s map');
    assert.ok(sdk.seen.every((s) => !s.direct), 'the SDK run never used the direct path');
    assert.deepEqual(ours.seen.map((s) => s.direct), [true, true, true, true, true, false, true, true, true], 'only the not-plain request went the SDK\'s way');
  });

  it('builds no AbortSignal for a call that never reads it, and one that is already aborted for a reader after the cancel', () => {
    const abort = new LazyAbort();
    assert.equal((abort as unknown as { controller?: unknown }).controller, undefined, 'nothing built before a read');
    let told = 0;
    const undo = abort.onAbort(() => told++);
    const other = abort.onAbort(() => told += 10);
    other();
    abort.abort();
    abort.abort('again');
    assert.equal(told, 1, 'a listener is told once; an undone one never');
    undo();
    assert.ok(abort.signal.aborted, 'a signal read after the abort is aborted');
    assert.ok(abort.reason instanceof DOMException && abort.reason.name === 'AbortError', 'with an AbortController\'s own reason when none was given');
    const read = new LazyAbort();
    const signal = read.signal;
    read.abort('why');
    assert.ok(signal.aborted && signal.reason === 'why', 'a signal read before the abort is aborted with its reason');
  });

  it('changes nothing where the SDK lacks what it reads, or runs tasks', () => {
    const [, t] = InMemoryTransport.createLinkedPair();
    t.onmessage = () => undefined;
    const before = t.onmessage;
    assert.equal(serveCallsDirectly({} as Server, t, async () => ({ content: [] })), false, 'no SDK state: not installed');
    assert.equal(serveCallsDirectly({ _requestHandlerAbortControllers: new Map(), _requestHandlers: new Map(), _onerror: () => undefined, _taskStore: {} } as unknown as Server, t, async () => ({ content: [] })), false, 'a task store: not installed');
    assert.equal(t.onmessage, before, 'the transport is left as it was');
  });

  it('pins the SDK method it copies: an upgrade that changes _onrequest, _oncancel or _onclose fails here', () => {
    // On a change, compare the new _onrequest with serveCallsDirectly in direct-call-dispatch.ts, fix it, then the fingerprints.
    const fingerprint = (name: string): string => crypto.createHash('sha256').update(String((Protocol.prototype as unknown as Record<string, unknown>)[name])).digest('hex').slice(0, 16);
    assert.deepEqual({ onrequest: fingerprint('_onrequest'), oncancel: fingerprint('_oncancel'), onclose: fingerprint('_onclose') }, { onrequest: '6bd88d0805e5d04f', oncancel: '42637b11efef6df5', onclose: '09c2d6188d870116' }, 'the SDK methods serveCallsDirectly copies and relies on');
  });
});
