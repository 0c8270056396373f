// JsonLineTransport's host end (D168) against a peer that bends the rules: cancels, answers
// and ids that must not free or take a place in the window, and the close and error paths a
// peer controls (it never closes its side, it goes away while answers wait). Real Unix
// sockets; the attacks through the whole gateway socket are in gateway-socket-attacks.test.ts.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { rememberResultLine } from '../../../src/platform/gateway/forwarded-result-bytes.js';
import { JsonLineTransport, REQUESTS_IN_FLIGHT_ERROR, type JsonLineInvalidReason, type JsonLineTransportOptions } from '../../../src/platform/gateway/json-line-transport.js';
import { until } from '../../support/wait.js';
import { onJsonLines } from '../../support/json-lines.js';

/** A connected pair of real Unix sockets; `host` is the accepted end, `peer` the client. */
async function socketPair(options: { peerHalfOpen?: boolean } = {}): Promise<{ host: net.Socket; peer: net.Socket; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-jlta-'));
  const p = path.join(dir, 's.sock');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(p, r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const peer = net.connect({ path: p, allowHalfOpen: options.peerHalfOpen ?? false });
  await new Promise((r) => peer.once('connect', r));
  const host = await accepted;
  server.close();
  return { host, peer, cleanup: () => { host.destroy(); peer.destroy(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** The peer's side: raw lines out, parsed lines in. */
function rawPeer(socket: net.Socket) {
  const lines: Array<{ id?: unknown; method?: string; result?: unknown; error?: { code: number; message: string } }> = [];
  onJsonLines<(typeof lines)[number]>(socket, (line) => lines.push(line));
  return {
    lines,
    write: (value: unknown) => socket.write(JSON.stringify(value) + '\n'),
    answer: (id: unknown) => lines.find((l) => l.id === id && l.method === undefined),
  };
}

/** A started host-end transport plus everything it handed on and reported. */
async function hostEnd(socket: net.Socket, options: JsonLineTransportOptions = {}) {
  const messages: JSONRPCMessage[] = [];
  const invalid: JsonLineInvalidReason[] = [];
  const errors: Error[] = [];
  let closes = 0;
  const transport = new JsonLineTransport(socket, { onInvalidLine: (r) => invalid.push(r), ...options });
  transport.onmessage = (m) => messages.push(m);
  transport.onerror = (e) => errors.push(e);
  transport.onclose = () => closes++;
  await transport.start();
  const ids = () => messages.filter((m) => 'method' in m && 'id' in m).map((m) => (m as { id: unknown }).id);
  return { transport, messages, invalid, errors, ids, closes: () => closes };
}

const call = (id: unknown) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'wait', arguments: {} } });
const cancel = (requestId: unknown) => ({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'test' } });

describe('JsonLineTransport against its peer (D168)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    cleanups.splice(0).forEach((c) => c());
  });

  it('Security: only a cancel notification for an id being served frees a place: not one for an id never sent, a string for a number id, a request named like a cancel, another notification with a requestId', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host, { maxInFlight: 3 });
    const client = rawPeer(peer);
    client.write(call(1));
    client.write(call(2));
    // A request (it has an id) named like the cancel notification: the session answers it with an error.
    client.write({ jsonrpc: '2.0', id: 9, method: 'notifications/cancelled', params: { requestId: 1 } });
    await until('the three requests handed on', () => end.ids().length === 3);
    await end.transport.send({ jsonrpc: '2.0', id: 9, error: { code: -32601, message: 'Method not found' } });
    client.write(cancel(99));
    client.write(cancel('1'));
    client.write(cancel({ id: 1 }));
    client.write({ jsonrpc: '2.0', method: 'notifications/cancelled' });
    client.write({ jsonrpc: '2.0', method: 'notifications/progress', params: { requestId: 1, progressToken: 1, progress: 1 } });
    client.write(call(3));
    client.write(call(4));
    await until('the fourth request refused or served', () => client.answer(4) !== undefined || end.ids().includes(4));
    assert.equal(client.answer(4)?.error?.code, REQUESTS_IN_FLIGHT_ERROR, `${JSON.stringify(client.answer(4))}; served: ${JSON.stringify(end.ids())}`);
    assert.match(client.answer(4)!.error!.message, /too many requests at once \(3 are being served\); wait for their answers, then retry/);
    assert.deepEqual(end.ids(), [1, 2, 9, 3], 'the refused request reached the session');
    assert.deepEqual(end.errors, []);
  });

  it('a cancel of a request with a string id frees its place; `1` and `"1"` are two ids', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host, { maxInFlight: 2 });
    const client = rawPeer(peer);
    client.write(call('a'));
    client.write(call(1));
    client.write(call('1'));
    await until('the third request refused or served', () => client.answer('1') !== undefined || end.ids().includes('1'));
    assert.equal(client.answer('1')?.error?.code, REQUESTS_IN_FLIGHT_ERROR, 'a full window must refuse');
    client.write(cancel('a'));
    client.write(call('1'));
    await until('the request after the cancel served or refused', () => end.ids().length === 3 || client.lines.filter((l) => l.id === '1').length === 2);
    assert.deepEqual(end.ids(), ['a', 1, '1']);
    assert.deepEqual(end.invalid, [], '"1" is not a repeat of 1');
  });

  for (const id of [0, ''] as const) {
    it(`Security: a cancel of id ${JSON.stringify(id)} (which the SDK ignores) frees neither its place nor the id (C6-redteam)`, async () => {
      const { host, peer, cleanup } = await socketPair();
      cleanups.push(cleanup);
      const end = await hostEnd(host, { maxInFlight: 2 });
      const client = rawPeer(peer);
      client.write(call(id));
      client.write(call('x'));
      client.write(cancel(id));
      client.write(call(id));
      client.write(call('y'));
      await until('the last request refused or served', () => client.answer('y') !== undefined || end.ids().includes('y'));
      assert.equal(client.answer('y')?.error?.code, REQUESTS_IN_FLIGHT_ERROR, 'the window is still full');
      assert.deepEqual(end.ids(), [id, 'x'], 'the cancel freed the id and a place: the reused id reached the session');
      assert.deepEqual(end.invalid, ['duplicate-id'], 'the reused id is a repeat');
    });
  }

  it('Security: a cancel whose requestId is no string or number (the SDK refuses it) frees no place, even one that reads as a served id (E3-smallmut)', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host, { maxInFlight: 2 });
    const client = rawPeer(peer);
    client.write(call('a'));
    client.write(call('true'));
    // As text each names a served id (`String(['a'])` is "a"); none is an id the SDK would cancel.
    client.write(cancel(['a']));
    client.write(cancel(true));
    client.write(call('a'));
    client.write(call('y'));
    await until('the last request refused or served', () => client.answer('y') !== undefined || end.ids().includes('y'));
    assert.equal(client.answer('y')?.error?.code, REQUESTS_IN_FLIGHT_ERROR, 'the window is still full');
    assert.deepEqual(end.ids(), ['a', 'true'], 'a cancel of another type freed the id and a place');
    assert.deepEqual(end.invalid, ['duplicate-id'], 'the reused id is a repeat');
  });

  it('Security: what the host sends itself (a progress notification, its own request with the id of one of the peer\'s) frees no place; its answer does', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host, { maxInFlight: 1 });
    const client = rawPeer(peer);
    client.write(call(1));
    await until('the first request served', () => end.ids().length === 1);
    await end.transport.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } });
    await end.transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    client.write(call(2));
    await until('the second request refused or served', () => client.answer(2) !== undefined || end.ids().includes(2));
    assert.equal(client.answer(2)?.error?.code, REQUESTS_IN_FLIGHT_ERROR, `${JSON.stringify(client.answer(2))}; served: ${JSON.stringify(end.ids())}`);
    await end.transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    client.write(call(3));
    await until('the request after the answer served', () => end.ids().length === 2);
    assert.deepEqual(end.ids(), [1, 3]);
  });

  it('Security: a refusal frees no place, and the refused id may be used again once there is room', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host, { maxInFlight: 1 });
    const client = rawPeer(peer);
    client.write(call(1));
    client.write(call(2));
    client.write(call(3));
    await until('the third request refused or served', () => client.answer(3) !== undefined || end.ids().includes(3));
    assert.deepEqual([client.answer(2)?.error?.code, client.answer(3)?.error?.code], [REQUESTS_IN_FLIGHT_ERROR, REQUESTS_IN_FLIGHT_ERROR], `served: ${JSON.stringify(end.ids())}`);
    await end.transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    client.write(call(2));
    await until('the retried request served or dropped', () => end.ids().length === 2 || end.invalid.length > 0);
    assert.deepEqual(end.ids(), [1, 2]);
    assert.deepEqual(end.invalid, []);
  });

  it('the peer\'s answer to a request of the host takes no place and reserves no id', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host, { maxInFlight: 1 });
    const client = rawPeer(peer);
    await end.transport.send({ jsonrpc: '2.0', id: 5, method: 'ping' });
    await until('the host\'s request at the peer', () => client.lines.length === 1);
    client.write({ jsonrpc: '2.0', id: 5, result: {} });
    client.write(call(5));
    await until('the peer\'s own request 5 served or dropped', () => end.ids().length === 1 || end.invalid.length > 0);
    assert.deepEqual(end.messages, [{ jsonrpc: '2.0', id: 5, result: {} }, call(5)]);
    assert.deepEqual(end.invalid, []);
  });

  it('the host end stops reading while its answers wait for the peer; a client end (windowed: false) reads on', async () => {
    for (const windowed of [true, false]) {
      const { host, peer, cleanup } = await socketPair();
      cleanups.push(cleanup);
      const end = await hostEnd(host, { windowed });
      peer.pause(); // The peer reads nothing, so the end's writes back up.
      const big = { jsonrpc: '2.0' as const, method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(1024 * 1024) } };
      while (!host.writableNeedDrain) void end.transport.send(big);
      peer.write(JSON.stringify(call(1)) + '\n');
      if (windowed) {
        await until('the host end to stop reading', () => end.transport.holding);
        assert.deepEqual(end.messages, [], 'a request was handed on while answers wait for the peer');
        peer.resume();
        await until('the request handed on once the peer reads', () => end.messages.length === 1);
      } else {
        await until('the client end to read on', () => end.messages.length === 1);
        assert.equal(host.writableNeedDrain, true, 'the peer read before the request arrived');
        assert.equal(end.transport.holding, false, 'a client end never holds');
      }
      cleanup();
    }
  });

  it('a last line the peer sends without a newline before it ends is delivered', async () => {
    const { host, peer, cleanup } = await socketPair({ peerHalfOpen: true });
    cleanups.push(cleanup);
    const end = await hostEnd(host);
    peer.end(JSON.stringify(call(1)));
    await until('the last line delivered', () => end.messages.length === 1);
    assert.deepEqual(end.messages, [call(1)]);
  });

  it('close() resolves and frees the socket although the peer never closes its side', async () => {
    const { host, peer, cleanup } = await socketPair({ peerHalfOpen: true });
    cleanups.push(cleanup);
    const end = await hostEnd(host);
    const peerEnded = new Promise((r) => peer.once('end', r));
    const closing = end.transport.close();
    await peerEnded;
    await until('the host socket freed', () => host.destroyed);
    await closing;
    assert.equal(end.closes(), 1);
    assert.equal(peer.writable, true, 'the test peer must not have closed its side');
  });

  it('a send waiting for the peer to read is released when the connection goes away, and the next send waits again after a drain', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host);
    const big = { jsonrpc: '2.0' as const, method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(1024 * 1024) } };
    const fill = (): Promise<void>[] => {
      const sends: Promise<void>[] = [];
      while (!host.writableNeedDrain) sends.push(end.transport.send(big));
      return sends;
    };
    const listeners = (): number[] => [host.listenerCount('drain'), host.listenerCount('close')];
    const before = listeners();
    // Round one: the peer reads after a while, and every send completes.
    peer.pause();
    let first = 0;
    const round1 = fill().map((s) => s.then(() => first++));
    await new Promise((r) => setImmediate(r));
    assert.ok(first < round1.length, 'the last send of round one must wait for the peer');
    peer.on('data', () => undefined);
    peer.resume();
    await Promise.all(round1);
    await until('the host\'s buffer drained', () => !host.writableNeedDrain);
    assert.deepEqual(listeners(), before, 'a wait for drain left its listeners on the socket');
    // Round two: the wait is a new one, not round one's, already released.
    peer.pause();
    let second = 0;
    const round2 = fill().map((s) => s.then(() => second++));
    await new Promise((r) => setImmediate(r));
    assert.ok(second < round2.length, 'the last send of round two did not wait for the peer');
    // The peer goes away without reading: the waiting sends return instead of hanging.
    peer.destroy();
    await Promise.all(round2);
    await until('the close noticed', () => end.closes() === 1);
  });

  it('a throwing line-drop callback, a socket error and a non-Error thrown by the session are reported, and the connection goes on', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host, { onInvalidLine: (reason) => { throw new Error(`audit failed for ${reason}`); } });
    end.transport.onmessage = (m) => {
      end.messages.push(m);
      if (end.messages.length === 1) throw 'session bug';
    };
    const client = rawPeer(peer);
    peer.write('not json\n');
    client.write(call(1));
    client.write(call(2));
    await until('both requests handed on', () => end.messages.length === 2);
    assert.deepEqual(end.errors.map((e) => e.message), ['audit failed for invalid-json', 'session bug']);
    assert.ok(end.errors.every((e) => e instanceof Error), 'onerror takes Errors');
    host.destroy(new Error('ECONNRESET from the kernel'));
    await until('the error and the close reported', () => end.errors.length === 3 && end.closes() === 1);
    assert.equal(end.errors[2]!.message, 'ECONNRESET from the kernel');
  });

  it('a send right after the socket was destroyed, before its close event, is refused instead of waiting', async () => {
    const { host, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host);
    host.destroy();
    await assert.rejects(end.transport.send({ jsonrpc: '2.0', id: 1, result: {} }), /the gateway connection is closed; reconnect to continue/);
  });

  it('start() twice is refused; started after the peer went away, the session still hears of the close', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const transport = new JsonLineTransport(host);
    assert.equal(transport.isStarted, false);
    const closed = new Promise((r) => host.once('close', r));
    peer.destroy();
    await closed;
    let closes = 0;
    transport.onclose = () => closes++;
    await transport.start();
    assert.equal(transport.isStarted, true);
    await until('onclose after start', () => closes === 1);
    await assert.rejects(transport.start(), /already started; Server\/Client\.connect starts it/);
    await assert.rejects(transport.send(call(1) as JSONRPCMessage), /the gateway connection is closed; reconnect to continue/);
    await transport.close();
    assert.equal(closes, 1, 'onclose fired more than once');
  });
});

// Round 14 (D6-mutation): the gaps round 9's Stryker run left in json-line-transport.ts
// (docs/TESTING.md, `sockets`), and the read window's use of D241's cancelledRequestId.
describe('JsonLineTransport: its answers, its callbacks and its close, exactly (D6-mutation)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    cleanups.splice(0).forEach((c) => c());
  });

  /** Every byte the peer receives, as text. */
  function rawText(socket: net.Socket): () => string {
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    return () => Buffer.concat(chunks).toString('utf8');
  }

  it('refuses a request past the window with a whole JSON-RPC 2.0 error of code -32000', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host, { maxInFlight: 1 });
    const client = rawPeer(peer);
    client.write(call(1));
    client.write(call(2));
    await until('the second request refused or served', () => client.answer(2) !== undefined || end.ids().includes(2));
    // The literal, not the constant: clients match on -32000.
    assert.deepEqual(client.answer(2), { jsonrpc: '2.0', id: 2, error: { code: -32000, message: 'too many requests at once (1 are being served); wait for their answers, then retry' } });
  });

  it('Security: a notification that cancels nothing frees no place, not even that of a request whose id is the text "undefined"', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host, { maxInFlight: 2 });
    const client = rawPeer(peer);
    client.write(call('undefined'));
    client.write(call('x'));
    client.write({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.write(cancel(0));
    client.write(call('y'));
    await until('the last request refused or served', () => client.answer('y') !== undefined || end.ids().includes('y'));
    assert.equal(client.answer('y')?.error?.code, REQUESTS_IN_FLIGHT_ERROR, 'a notification freed the place of request "undefined"');
    assert.deepEqual(end.ids(), ['undefined', 'x']);
    assert.deepEqual(end.invalid, [], 'a notification was taken for a request (and the second for a repeat)');
    // Nor does an answer of the host's without an id (an error JSON-RPC allows without one).
    await end.transport.send({ jsonrpc: '2.0', id: undefined, error: { code: -32700, message: 'Parse error' } });
    await end.transport.send({ jsonrpc: '2.0', id: 'x', result: {} });
    client.write(call('z'));
    client.write(call('w'));
    await until('the request after them refused or served', () => client.answer('w') !== undefined || end.ids().includes('w'));
    assert.equal(client.answer('w')?.error?.code, REQUESTS_IN_FLIGHT_ERROR, 'an answer without an id freed the place of request "undefined"');
    assert.deepEqual(end.ids(), ['undefined', 'x', 'z']);
  });

  it('writes a child\'s result spliced from its line as those very bytes, below and above the copy threshold (64 KiB)', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host, { spliceFromBytes: 0 });
    const text = rawText(peer);
    // Spaces JSON.stringify would not write: only the child's own bytes have them.
    const bodies = ['{"a" : [1, 2]}', `{"big" : "${'x'.repeat(70 * 1024)}"}`];
    for (const [i, body] of bodies.entries()) {
      const line = Buffer.from(`{"ch":"mcp","msg":{"jsonrpc":"2.0","id":${i + 7},"result":${body}}}`);
      const result = (JSON.parse(line.toString()) as { msg: { result: object } }).msg.result;
      rememberResultLine(result, line);
      await end.transport.send({ jsonrpc: '2.0', id: i + 1, result } as JSONRPCMessage);
    }
    // A last line after them, so that answers missing or short fail here instead of waiting.
    await end.transport.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'end' } });
    const last = '{"method":"notifications/message","jsonrpc":"2.0","params":{"level":"info","data":"end"}}\n';
    await until('the last line at the peer', () => text().endsWith(last));
    assert.equal(text(), bodies.map((body, i) => `{"jsonrpc":"2.0","id":${i + 1},"result":${body}}\n`).join('') + last);
  });

  it('delivers a message the fast path leaves to the schema as the schema reads it (an error with an extra key)', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host);
    const client = rawPeer(peer);
    client.write({ jsonrpc: '2.0', id: 5, error: { code: 1, message: 'm', extra: true } });
    client.write({ jsonrpc: '2.0', id: 6, error: { code: 'not a number', message: 'm' } });
    client.write(call(1));
    await until('the request after them handed on', () => end.ids().length === 1);
    assert.deepEqual(end.messages, [{ jsonrpc: '2.0', id: 5, error: { code: 1, message: 'm' } }, call(1)]);
    assert.deepEqual(end.invalid, ['invalid-message']);
  });

  it('without a session\'s handlers or a line-drop callback, what arrives is dropped quietly and nothing is reported', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const transport = new JsonLineTransport(host, { maxInFlight: 1 });
    const errors: Error[] = [];
    transport.onerror = (e) => errors.push(e);
    await transport.start();
    const client = rawPeer(peer);
    peer.write('not json\n');
    client.write(call(1));
    client.write(call(2));
    // The refusal of the second request comes after both lines before it were handled.
    await until('the second request refused', () => client.answer(2) !== undefined);
    assert.deepEqual(errors.map((e) => e.message), []);
  });

  it('without an error handler, a socket error is not thrown: the close still reaches the session', async () => {
    const { host, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const transport = new JsonLineTransport(host);
    let closes = 0;
    transport.onclose = () => closes++;
    await transport.start();
    host.destroy(new Error('ECONNRESET from the kernel'));
    await until('the close heard', () => closes === 1);
  });

  it('sends waiting for the same drain share one wait: one listener however many sends wait', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const end = await hostEnd(host);
    const before = host.listenerCount('drain');
    peer.pause();
    const big = { jsonrpc: '2.0' as const, method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(256 * 1024) } };
    const sends: Promise<void>[] = [];
    while (!host.writableNeedDrain) sends.push(end.transport.send(big));
    for (let i = 0; i < 20; i++) sends.push(end.transport.send(big));
    assert.equal(host.listenerCount('drain'), before + 1, 'each waiting send added a listener of its own');
    peer.on('data', () => undefined);
    peer.resume();
    await Promise.all(sends);
    assert.equal(host.listenerCount('drain'), before, 'the shared wait left its listener');
  });

  it('a session that heard the close before it started hears it once, not again at start()', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const transport = new JsonLineTransport(host);
    let closes = 0;
    transport.onclose = () => closes++;
    peer.destroy();
    await until('the close heard', () => closes === 1);
    await transport.start();
    // start() tells a late session of the close on a microtask: let it run.
    await new Promise((r) => setImmediate(r));
    assert.equal(closes, 1, 'onclose fired again at start()');
  });
});
