// D261: SseBackpressure makes a message for a request (progress, never its answer) wait
// while the HTTP response its POST came on cannot take more. Real parts: a real Node HTTP server
// and client on loopback whose client stops reading, so the response really needs a drain; the
// transport is a stand-in recording what the SDK's would have been given.
import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { SseBackpressure } from '../../../src/platform/http/sse-backpressure.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

const flush = () => new Promise<void>((r) => setImmediate(r));

/** A response on a real socket whose client reads only when told; `fill()` writes until it needs a drain. */
async function response(): Promise<{ res: ServerResponse; fill: () => Promise<void>; read: () => void; drop: () => void }> {
  let served!: (res: ServerResponse) => void;
  const got = new Promise<ServerResponse>((r) => (served = r));
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    served(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const req = http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, agent: false });
  const answered = new Promise<IncomingMessage>((r) => req.on('response', r));
  req.on('error', () => undefined);
  const res = await got;
  const incoming = await new Promise<IncomingMessage>((resolve) => {
    res.write(': open\n\n');
    void answered.then(resolve);
  });
  cleanups.push(() => {
    req.destroy();
    server.close();
    server.closeAllConnections();
  });
  const chunk = Buffer.alloc(256 * 1024, 'p');
  return {
    res,
    // Until the kernel's buffers are full too: what is left in the response's own buffer after a
    // turn of the event loop stays there until the client reads.
    fill: async () => {
      do {
        while (res.writableLength < 4 * 1024 * 1024) res.write(chunk);
        await flush();
      } while (res.writableLength < 1024 * 1024);
    },
    read: () => void incoming.resume(),
    drop: () => req.destroy(),
  };
}

/** A stand-in for the SDK's transport: what it was asked to send, and the close handler the SDK's Protocol would call. */
function transport() {
  const sent: JSONRPCMessage[] = [];
  const t = { send: async (m: JSONRPCMessage) => void sent.push(m), onclose: undefined as (() => void) | undefined };
  return { t: t as unknown as StreamableHTTPServerTransport, sent, close: () => t.onclose?.() };
}

const call = (id: string | number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'x' } });
const progress = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: n } });

describe('SseBackpressure (D261)', () => {
  it('Security: a request\'s progress waits while its response needs a drain and goes once it drains; its answer and its error never wait', async () => {
    const { t, sent } = transport();
    const sse = new SseBackpressure();
    sse.install(t);
    const r = await response();
    sse.track(call(1), r.res);
    await r.fill();
    assert.equal(r.res.writableNeedDrain, true, 'the client does not read');
    const waiting = t.send(progress(1), { relatedRequestId: 1 });
    await flush();
    assert.deepEqual(sent, [], 'the progress waits');
    assert.equal(sse.waiting, 1, 'one send waiting');
    await t.send({ jsonrpc: '2.0', id: 1, result: { content: [] } }, { relatedRequestId: 1 });
    await t.send({ jsonrpc: '2.0', id: 1, error: { code: -1, message: 'no' } }, { relatedRequestId: 1 });
    assert.equal(sent.length, 2, 'the answer and an error went at once');
    r.read();
    await waiting;
    assert.deepEqual(sent.at(-1), progress(1), 'the progress went after the drain');
    assert.equal(sse.waiting, 0, 'nothing waits');
  });

  it('waits only for the request\'s own response: 1 and "1" are two requests; no related request, or one never tracked, never waits', async () => {
    const { t, sent } = transport();
    const sse = new SseBackpressure();
    sse.install(t);
    const r = await response();
    sse.track(undefined, r.res);
    sse.track([call(1), { jsonrpc: '2.0', method: 'notifications/initialized' }, { jsonrpc: '2.0', id: 5, result: {} }, { jsonrpc: '2.0', id: 6 }, { jsonrpc: '2.0', id: null, method: 'x' }, call('a')], r.res);
    assert.equal(sse.tracked, 2, 'only the requests (1 and "a") are tracked: not a GET, a notification, a response, an id that is no id');
    await r.fill();
    await t.send(progress(1), { relatedRequestId: '1' });
    await t.send(progress(2));
    await t.send(progress(3), { relatedRequestId: 5 });
    await t.send(progress(4), { relatedRequestId: 6 });
    assert.equal(sent.length, 4, 'none of them waited');
    const drains = r.res.listenerCount('drain');
    const closes = r.res.listenerCount('close');
    const held = [t.send(progress(5), { relatedRequestId: 1 }), t.send(progress(6), { relatedRequestId: 'a' })];
    await flush();
    assert.equal(sent.length, 4, 'the tracked requests wait, a number id and a string one');
    r.read();
    await Promise.all(held);
    assert.equal(sent.length, 6, 'then go');
    assert.deepEqual([r.res.listenerCount('drain'), r.res.listenerCount('close')], [drains, closes], 'a wait leaves no listener behind');
  });

  it('a batch tracks each request; a response that closes ends the wait and lets go of only its own ids', async () => {
    const { t, sent } = transport();
    const sse = new SseBackpressure();
    sse.install(t);
    const first = await response();
    const second = await response();
    sse.track([call(1), call(2)], first.res);
    sse.track(call(2), second.res);
    await first.fill();
    await second.fill();
    const one = t.send(progress(1), { relatedRequestId: 1 });
    await flush();
    assert.equal(sse.waiting, 1, 'request 1 waits on the first response');
    assert.equal(sse.tracked, 2, 'two requests known');
    const drains = first.res.listenerCount('drain');
    first.drop();
    await one;
    assert.equal(sent.length, 1, 'the close ended the wait');
    assert.equal(sse.tracked, 1, 'the closed response let go of request 1, not of request 2 (now the second\'s)');
    assert.equal(first.res.listenerCount('drain'), drains - 1, 'a wait ended by the close leaves no drain listener behind');
    const two = t.send(progress(2), { relatedRequestId: 2 });
    await flush();
    assert.equal(sent.length, 1, 'request 2 (now on the second response) still waits: the first\'s close did not take it');
    second.read();
    await two;
    assert.equal(sent.length, 2, 'and goes when the second drains');
  });

  it('installed on a transport with no close handler yet, its close still ends the waits', async () => {
    const { t, close } = transport();
    const sse = new SseBackpressure();
    sse.install(t);
    const r = await response();
    sse.track(call(1), r.res);
    await r.fill();
    const held = t.send(progress(1), { relatedRequestId: 1 });
    await flush();
    assert.doesNotThrow(close, 'no handler to chain is no error');
    await held;
    assert.equal(sse.tracked, 0, 'every response forgotten');
  });

  it('the transport\'s close ends every wait and forgets every response; the close handler it had still runs', async () => {
    const { t, sent, close } = transport();
    let before = 0;
    t.onclose = () => void (before += 1);
    const sse = new SseBackpressure();
    sse.install(t);
    const r = await response();
    sse.track(call(1), r.res);
    await r.fill();
    const held = t.send(progress(1), { relatedRequestId: 1 });
    await flush();
    close();
    await held;
    assert.equal(before, 1, 'the handler set before install ran');
    assert.equal(sse.waiting, 0, 'no wait left');
    await t.send(progress(2), { relatedRequestId: 1 });
    assert.equal(sent.length, 2, 'after the close nothing waits, the full response notwithstanding');
  });

  it('Security: 16 sends waiting on one response add one drain/close listener pair, not 16, and all go on its drain (E3-tidy)', async () => {
    const { t, sent } = transport();
    const sse = new SseBackpressure();
    sse.install(t);
    const r = await response();
    sse.track([call(1), call(2)], r.res);
    await r.fill();
    const before = [r.res.listenerCount('drain'), r.res.listenerCount('close')];
    const held = Array.from({ length: 16 }, (_, i) => t.send(progress(i), { relatedRequestId: 1 + (i % 2) }));
    await flush();
    assert.equal(sse.waiting, 16, 'sixteen sends wait');
    assert.deepEqual([r.res.listenerCount('drain'), r.res.listenerCount('close')], [before[0]! + 1, before[1]! + 1], 'one listener pair for all of them');
    r.read();
    await Promise.all(held);
    assert.equal(sent.length, 16, 'all went on the drain');
    assert.deepEqual([r.res.listenerCount('drain'), r.res.listenerCount('close')], before, 'and left no listener behind');
    assert.equal(sse.waiting, 0, 'nothing waits');
    assert.equal(sse.held, 1, 'the response keeps its one wait object while it is open');
    const closed = new Promise((resolve) => r.res.once('close', resolve));
    r.drop();
    await closed;
    assert.equal(sse.held, 0, 'and lets go of it when it closes');
  });

  it('the transport\'s close lets go of every response\'s wait object (E3-tidy)', async () => {
    const { t, close } = transport();
    const sse = new SseBackpressure();
    sse.install(t);
    const r = await response();
    sse.track(call(1), r.res);
    await r.fill();
    const held = t.send(progress(1), { relatedRequestId: 1 });
    await flush();
    assert.equal(sse.held, 1, 'one wait object for the full response');
    close();
    await held;
    assert.equal(sse.held, 0, 'none kept after the transport closed, the response still open');
  });
});
