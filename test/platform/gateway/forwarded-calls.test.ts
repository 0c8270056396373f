// Issue 17 item 3, round 12 (D237, D238): the gateway's forwarded `tools/call`
// goes to the child over the channel's own id map instead of the SDK's `Client.request`. It must
// send what the SDK sent, settle as the SDK settled (result, error, shape check, progress,
// cancellation, the 10-minute deadline restarted by progress, a closed channel) and hold a
// cancelled call's place until the child is done with it (D211).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Protocol } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CALL_TIMEOUT_MS, FORWARDED_ID_BASE, ForwardedCalls, cancelOfSignal } from '../../../src/platform/gateway/forwarded-calls.js';
import { ForwardedCallResult } from '../../../src/platform/gateway/forward.js';
import { CANCELLED_CALL_GRACE_MS } from '../../../src/platform/gateway/held-place.js';
import { ManualClock } from '../../mocks/manual-clock.js';

/** A channel that records what was sent, a place counter, and the forwarder on them. */
function channel(time = new ManualClock()) {
  const sent: JSONRPCMessage[] = [];
  let open = true;
  const calls = new ForwardedCalls((m) => {
    if (!open) throw new Error('the test server is not running');
    sent.push(m);
  }, time);
  const places = { held: 0, released: 0 };
  const place = () => {
    places.held += 1;
    let once = false;
    return () => {
      assert.ok(!once, 'a place is given back once');
      once = true;
      places.released += 1;
    };
  };
  const clock = new ManualClock();
  return { sent, calls, places, place, clock, time, shut: () => { open = false; calls.close(); } };
}

const settled = async (p: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> => p.then((value) => ({ value }), (error: unknown) => ({ error }));
const flush = () => new Promise<void>((r) => setImmediate(r));

describe('ForwardedCalls (a forwarded tools/call, D237)', () => {
  it('sends the request the SDK Client.request sent, in an id range of its own, and resolves with the very result object', async () => {
    // What the SDK sent for the same call (its id and progress token are its counter).
    const fromSdk: JSONRPCMessage[] = [];
    const capture: Transport = { start: async () => {}, close: async () => {}, send: async (m) => void fromSdk.push(m) };
    const sdk = new Client({ name: 't', version: '1' });
    // The protocol layer's connect: the transport without the initialize handshake.
    await Protocol.prototype.connect.call(sdk, capture);
    const stop = new AbortController();
    void sdk.request({ method: 'tools/call', params: { name: 'echo', arguments: { a: 1 }, _meta: { 'keybroker/client': 3 } } }, ForwardedCallResult, { signal: stop.signal, onprogress: () => undefined, timeout: CALL_TIMEOUT_MS, resetTimeoutOnProgress: true }).catch(() => undefined);
    const theirs = fromSdk.at(-1) as { id: number; params: { _meta: Record<string, unknown> } };

    const { sent, calls, places, place, clock } = channel();
    const answer = calls.call('echo', { a: 1 }, { cancel: cancelOfSignal(new AbortController().signal), meta: { 'keybroker/client': 3 }, onprogress: () => undefined, release: place(), clock });
    const ours = sent[0] as { id: number };
    assert.equal(ours.id, FORWARDED_ID_BASE, 'the first forwarded id is the base of the range');
    assert.deepEqual(ours, { ...theirs, id: ours.id, params: { ...theirs.params, _meta: { ...theirs.params._meta, progressToken: ours.id } } }, 'the same request as the SDK sent, key for key');
    assert.equal(JSON.stringify(ours), JSON.stringify({ ...theirs, id: ours.id, params: { ...theirs.params, _meta: { ...theirs.params._meta, progressToken: ours.id } } }), 'in the same key order');
    const result = { content: [{ type: 'text', text: 'hi' }] };
    assert.ok(calls.take({ result, jsonrpc: '2.0', id: ours.id }), 'the answer is taken');
    assert.equal((await answer), result, 'the very object parsed from the child line (D108 writes its bytes)');
    assert.deepEqual(places, { held: 1, released: 1 }, 'the place is given back with the answer');
    assert.equal(calls.size, 0, 'nothing is left in the map');
    // Without progress, no progress token; without meta, no _meta.
    void calls.call('plain', undefined, { cancel: cancelOfSignal(new AbortController().signal), release: place(), clock });
    assert.deepEqual(sent[1], { method: 'tools/call', params: { name: 'plain', arguments: undefined }, jsonrpc: '2.0', id: FORWARDED_ID_BASE + 1 }, 'a call without meta or progress');
    stop.abort(); // clears the SDK request's 10-minute timer
    await sdk.close();
  });

  it('leaves every other message to the SDK: its own ids, requests, notifications, progress of an unknown or SDK token', () => {
    const { calls, place, clock } = channel();
    void calls.call('echo', {}, { cancel: cancelOfSignal(new AbortController().signal), onprogress: () => undefined, release: place(), clock });
    const theirs: JSONRPCMessage[] = [
      { jsonrpc: '2.0', id: 0, result: {} },
      { jsonrpc: '2.0', id: FORWARDED_ID_BASE - 1, result: {} },
      { jsonrpc: '2.0', id: String(FORWARDED_ID_BASE), result: {} },
      { jsonrpc: '2.0', id: FORWARDED_ID_BASE + 7, result: {} },
      { jsonrpc: '2.0', id: FORWARDED_ID_BASE, method: 'ping' },
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 0, progress: 1 } },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: String(FORWARDED_ID_BASE), progress: 1 } },
      // Security: a malformed progress of ours goes to the SDK, which refuses it as before.
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: FORWARDED_ID_BASE, progress: 'much' } } as never,
    ];
    for (const m of theirs) assert.equal(calls.take(m), false, `not ours: ${JSON.stringify(m)}`);
    assert.equal(calls.size, 1, 'the call still waits');
  });

  it('passes progress on as the SDK did (its params without the token) and restarts the deadline with it', async () => {
    const { sent, calls, place, clock, time } = channel();
    const seen: unknown[] = [];
    const answer = settled(calls.call('slow', {}, { cancel: cancelOfSignal(new AbortController().signal), onprogress: (p) => seen.push(p), release: place(), clock }));
    const id = (sent[0] as { id: number }).id;
    time.advance(CALL_TIMEOUT_MS - 1);
    assert.ok(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: id, progress: 1, total: 2, message: 'half' } }), 'progress is taken');
    assert.deepEqual(seen, [{ progress: 1, total: 2, message: 'half' }], 'the params without the token');
    time.advance(CALL_TIMEOUT_MS - 1);
    assert.equal(sent.length, 1, 'progress moved the deadline: nothing cancelled 1 ms before it');
    time.advance(1);
    const { error } = await answer;
    assert.ok(error instanceof McpError && error.code === ErrorCode.RequestTimeout && error.message === 'MCP error -32001: Request timed out', `timed out as the SDK times out: ${String(error)}`);
    assert.deepEqual(sent[1], { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(error) } }, 'the child is told, as the SDK told it');
  });

  it('arms one deadline timer for many calls, not one per call', async () => {
    const time = new ManualClock();
    let timers = 0;
    const counting = { now: () => time.now(), setTimer: (ms: number, fn: () => void) => { timers += 1; return time.setTimer(ms, fn); } };
    const { sent, calls, place, clock } = channel(counting as ManualClock);
    for (let i = 0; i < 500; i++) {
      const answer = calls.call('echo', {}, { cancel: cancelOfSignal(new AbortController().signal), release: place(), clock });
      calls.take({ jsonrpc: '2.0', id: (sent.at(-1) as { id: number }).id, result: { content: [] } });
      await answer;
    }
    assert.equal(timers, 1, `500 calls armed ${timers} timers`);
    time.advance(CALL_TIMEOUT_MS);
    void calls.call('echo', {}, { cancel: cancelOfSignal(new AbortController().signal), release: place(), clock });
    assert.equal(timers, 2, 'the next call after an idle sweep arms it again');
  });

  it('rejects with the child\'s error as an McpError, and a result of the wrong shape with zod\'s error', async () => {
    const { sent, calls, places, place, clock } = channel();
    const failing = settled(calls.call('bad', {}, { cancel: cancelOfSignal(new AbortController().signal), release: place(), clock }));
    calls.take({ jsonrpc: '2.0', id: (sent[0] as { id: number }).id, error: { code: -32602, message: 'no such thing', data: { x: 1 } } });
    const { error } = await failing;
    assert.ok(error instanceof McpError && error.code === -32602 && error.message === 'MCP error -32602: no such thing' && (error.data as { x: number }).x === 1, `the child's error: ${String(error)}`);
    const shapeless = settled(calls.call('odd', {}, { cancel: cancelOfSignal(new AbortController().signal), release: place(), clock }));
    calls.take({ jsonrpc: '2.0', id: (sent[1] as { id: number }).id, result: { content: 'not a list' } });
    const odd = await shapeless;
    assert.match(String((odd.error as Error)?.message), /a tools\/call result must be an object with a content array/, 'zod names the shape');
    assert.deepEqual(places, { held: 2, released: 2 }, 'both places are back');
  });

  it('a cancelled call is rejected at once, the child told, and its place kept until the child answers it (D211)', async () => {
    const { sent, calls, places, place, clock } = channel();
    const controller = new AbortController();
    const answer = settled(calls.call('slow', {}, { cancel: cancelOfSignal(controller.signal), release: place(), clock }));
    const id = (sent[0] as { id: number }).id;
    controller.abort('stop');
    const { error } = await answer;
    assert.ok(error instanceof McpError && error.code === ErrorCode.RequestTimeout && /stop/.test(error.message), `the SDK's rejection: ${String(error)}`);
    assert.deepEqual(sent[1], { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'stop' } }, 'the child is told');
    assert.deepEqual(places, { held: 1, released: 0 }, 'the place is kept while the child may work on it');
    assert.equal(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: id, progress: 1 } }), false, 'progress of an abandoned call is not passed on');
    assert.ok(calls.take({ jsonrpc: '2.0', id, result: { content: [] } }), 'the late answer is taken, never reaches the SDK');
    assert.deepEqual(places, { held: 1, released: 1 }, 'the answer frees it');
    clock.advance(CANCELLED_CALL_GRACE_MS);
    assert.equal(places.released, 1, 'and the grace frees nothing twice');
  });

  it('an abandoned call the child never answers frees its place at the grace and not 1 ms before, or when the channel closes', async () => {
    const { calls, places, place, clock, shut } = channel();
    const a = new AbortController();
    void settled(calls.call('slow', {}, { cancel: cancelOfSignal(a.signal), release: place(), clock }));
    a.abort();
    clock.advance(CANCELLED_CALL_GRACE_MS - 1);
    assert.equal(places.released, 0, 'held 1 ms before the grace');
    clock.advance(1);
    assert.equal(places.released, 1, 'freed at the grace');
    assert.equal(calls.size, 0, 'and forgotten');
    const b = new AbortController();
    void settled(calls.call('slow', {}, { cancel: cancelOfSignal(b.signal), release: place(), clock }));
    b.abort();
    const live = settled(calls.call('slow', {}, { cancel: cancelOfSignal(new AbortController().signal), release: place(), clock }));
    shut();
    assert.equal(places.released, 3, 'a closed channel frees the abandoned and the live call');
    const { error } = await live;
    assert.ok(error instanceof McpError && error.code === ErrorCode.ConnectionClosed, `the live call fails as the SDK's did: ${String(error)}`);
    clock.advance(CANCELLED_CALL_GRACE_MS);
    assert.equal(places.released, 3, 'the grace frees nothing twice');
  });

  it('a call never sent gives its place back at once: an aborted signal, a closed channel', async () => {
    const { sent, calls, places, place, clock, shut } = channel();
    const aborted = AbortSignal.abort('gone');
    assert.equal((await settled(calls.call('x', {}, { cancel: cancelOfSignal(aborted), release: place(), clock }))).error, 'gone', 'rejected with the reason, as throwIfAborted');
    shut();
    const { error } = await settled(calls.call('x', {}, { cancel: cancelOfSignal(new AbortController().signal), release: place(), clock }));
    assert.match(String((error as Error)?.message), /not running/, 'the channel says why');
    assert.deepEqual(places, { held: 2, released: 2 }, 'both places are back');
    assert.equal(sent.length, 0, 'nothing was sent');
    await flush();
  });
});
