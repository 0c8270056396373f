// Issue 17 item 3, round 12 (D237, D238): the gateway's forwarded `tools/call`
// goes to the child over the channel's own id map instead of the SDK's `Client.request`. It must
// send what the SDK sent, settle as the SDK settled (result, error, shape check, progress,
// cancellation, the 10-minute deadline restarted by progress, a closed channel) and hold a
// cancelled call's place until the child is done with it (D211).
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it, mock } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Protocol } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CALL_TIMEOUT_MS, DEFAULT_MAX_CALL_MS, FORWARDED_ID_BASE, ForwardedCalls, cancelOfSignal } from '../../../src/platform/gateway/forwarded-calls.js';
import { CallLifetimeError } from '../../../src/platform/gateway/call-lifetime-error.js';
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

// Round 12 (B1-fwdmut): the paths the Stryker run of forwarded-calls.ts found without a test.
describe('ForwardedCalls: ended, the deadline sweep, the default clock (B1-fwdmut)', () => {
  const live = () => cancelOfSignal(new AbortController().signal);
  const idOf = (m: JSONRPCMessage | undefined) => (m as { id: number }).id;

  it('ended() frees the place of an abandoned call only: never a live one, an unknown id or a string id (D231)', async () => {
    const { sent, calls, places, place, clock } = channel();
    const a = new AbortController();
    void settled(calls.call('slow', {}, { cancel: cancelOfSignal(a.signal), release: place(), clock }));
    const running = settled(calls.call('slow', {}, { cancel: live(), release: place(), clock }));
    const [abandoned, runningId] = [idOf(sent[0]), idOf(sent[1])];
    a.abort('stop');
    assert.equal(calls.ended(runningId), false, 'a running call is not ended by the child\'s word');
    assert.equal(calls.ended(String(abandoned)), false, 'nor by a string id');
    assert.equal(calls.ended(FORWARDED_ID_BASE + 99), false, 'nor an id never sent');
    assert.deepEqual(places, { held: 2, released: 0 }, 'no place came back yet');
    assert.equal(clock.pendingTimers, 1, 'the abandoned call\'s grace runs');
    assert.equal(calls.ended(abandoned), true, 'the abandoned call is ended');
    assert.deepEqual(places, { held: 2, released: 1 }, 'its place is back at once');
    assert.equal(calls.size, 1, 'and it is forgotten');
    assert.equal(clock.pendingTimers, 0, 'its grace timer is disposed');
    assert.equal(calls.ended(abandoned), false, 'ended once');
    assert.equal(calls.take({ jsonrpc: '2.0', id: abandoned, result: { content: [] } }), false, 'a later answer of it is not ours any more');
    assert.ok(calls.take({ jsonrpc: '2.0', id: runningId, result: { content: [] } }), 'the running call is answered as before');
    assert.deepEqual((await running).value, { content: [] }, 'with its result');
    assert.deepEqual(places, { held: 2, released: 2 }, 'and its place is back');
  });

  it('a cancel whose reason is an McpError rejects with that very error; the client\'s signal is let go however the call ends', async () => {
    const { sent, calls, place, clock, time } = channel();
    const reason = new McpError(ErrorCode.InvalidRequest, 'the client went away');
    const cancelled = new AbortController();
    const first = settled(calls.call('a', {}, { cancel: cancelOfSignal(cancelled.signal), release: place(), clock }));
    assert.equal(getEventListeners(cancelled.signal, 'abort').length, 1, 'a live call listens to its client\'s signal');
    cancelled.abort(reason);
    assert.equal((await first).error, reason, 'the McpError itself, as the SDK rejected');
    assert.equal((sent[1] as unknown as { params: { reason: string } }).params.reason, String(reason), 'the child is told why');
    const answered = new AbortController();
    void calls.call('b', {}, { cancel: cancelOfSignal(answered.signal), release: place(), clock });
    calls.take({ jsonrpc: '2.0', id: idOf(sent[2]), result: { content: [] } });
    assert.equal(getEventListeners(answered.signal, 'abort').length, 0, 'an answered call no longer listens');
    const timedOut = new AbortController();
    const late = settled(calls.call('c', {}, { cancel: cancelOfSignal(timedOut.signal), release: place(), clock }));
    time.advance(CALL_TIMEOUT_MS);
    const { error } = await late;
    assert.ok(error instanceof McpError && error.code === ErrorCode.RequestTimeout, `timed out: ${String(error)}`);
    assert.deepEqual(error.data, { timeout: CALL_TIMEOUT_MS }, 'with the data the SDK\'s timeout error carried');
    assert.equal(getEventListeners(timedOut.signal, 'abort').length, 0, 'a timed-out call no longer listens');
  });

  it('progress for a call that asked for none goes to the SDK, and the call still waits', async () => {
    const { sent, calls, place, clock } = channel();
    const answer = calls.call('quiet', {}, { cancel: live(), release: place(), clock });
    const id = idOf(sent[0]);
    assert.equal(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: id, progress: 1 } }), false, 'not taken: the call has no progress handler');
    // Security: the child is untrusted; a progress notification without params is the SDK's to refuse.
    assert.equal(calls.take({ jsonrpc: '2.0', method: 'notifications/progress' } as JSONRPCMessage), false, 'not taken: no params');
    assert.ok(calls.take({ jsonrpc: '2.0', id, result: { content: [] } }), 'its answer is taken');
    assert.deepEqual(await answer, { content: [] }, 'and settles the call');
  });

  it('each call has its own deadline on the one timer: a later call times out at its own 10 minutes, not before', async () => {
    const time = new ManualClock();
    const armed: number[] = [];
    const recording = { now: () => time.now(), setTimer: (ms: number, fn: () => void) => { armed.push(ms); return time.setTimer(ms, fn); } };
    const { sent, calls, place, clock } = channel(recording as ManualClock);
    const first = settled(calls.call('a', {}, { cancel: live(), release: place(), clock }));
    time.advance(5 * 60_000 + 0.5);
    const second = settled(calls.call('b', {}, { cancel: live(), release: place(), clock }));
    time.advance(5 * 60_000 - 0.5);
    assert.ok((await first).error instanceof McpError, 'the first call timed out at its deadline');
    assert.equal(sent.length, 3, 'the second call was not cancelled with it');
    assert.deepEqual(armed, [CALL_TIMEOUT_MS, 5 * 60_000 + 1], 'the timer re-armed for the second call\'s deadline, rounded up');
    time.advance(5 * 60_000);
    assert.equal(sent.length, 3, 'not 0.5 ms before its own deadline');
    time.advance(1);
    assert.ok((await second).error instanceof McpError, 'the second call timed out at the timer after its own deadline');
    assert.equal(time.pendingTimers, 0, 'no timer is left with no live call');
    // After a sweep with nothing left, the next call arms the timer again and times out.
    time.advance(CALL_TIMEOUT_MS);
    const third = settled(calls.call('c', {}, { cancel: live(), release: place(), clock }));
    time.advance(CALL_TIMEOUT_MS);
    assert.ok((await third).error instanceof McpError, 'a call after an idle sweep times out too');
  });

  it('a child that keeps one call alive with progress delays no other call\'s deadline (C6-redteam)', async () => {
    const { sent, calls, place, clock, time } = channel();
    // Two hours of life: this test is about the deadline; the life cap (D262) is tested below.
    const kept = settled(calls.call('kept', {}, { cancel: live(), onprogress: () => undefined, release: place(), clock, maxCallMs: 2 * 60 * 60_000 }));
    const keptId = (sent[0] as { id: number }).id;
    time.advance(60_000);
    const other = settled(calls.call('other', {}, { cancel: live(), release: place(), clock }));
    const otherId = (sent[1] as { id: number }).id;
    const cancelled = () => sent.filter((m) => 'method' in m && m.method === 'notifications/cancelled').map((m) => (m as unknown as { params: { requestId: number } }).params.requestId);
    time.advance(8 * 60_000);
    assert.ok(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: keptId, progress: 1 } }), 'progress for the kept call');
    time.advance(60_000);
    assert.deepEqual(cancelled(), [], 'nothing timed out at the kept call\'s first deadline: its progress moved it');
    time.advance(60_000 - 1);
    assert.deepEqual(cancelled(), [], 'the other call not 1 ms before its own deadline');
    time.advance(1);
    assert.deepEqual(cancelled(), [otherId], 'the other call timed out at its own deadline, the child\'s progress for another call notwithstanding');
    assert.ok((await other).error instanceof McpError, 'the other call rejected');
    // Last progress at 9 min: its deadline is 19 min; from here, progress every 9 minutes.
    time.advance(7 * 60_000);
    for (let i = 0; i < 5; i++) {
      calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: keptId, progress: i + 2 } });
      time.advance(9 * 60_000);
    }
    assert.deepEqual(cancelled(), [otherId], 'a call that reports progress lives on (the SDK\'s resetTimeoutOnProgress)');
    time.advance(CALL_TIMEOUT_MS);
    assert.deepEqual(cancelled(), [otherId, keptId], 'and times out once it stops');
    assert.ok((await kept).error instanceof McpError, 'the kept call rejected');
  });

  it('the sweep passes over an abandoned call: it arms no timer for it', async () => {
    const { sent, calls, place, clock, time } = channel();
    const live1 = calls.call('a', {}, { cancel: live(), release: place(), clock });
    time.advance(60_000);
    const a = new AbortController();
    void settled(calls.call('b', {}, { cancel: cancelOfSignal(a.signal), release: place(), clock }));
    a.abort();
    calls.take({ jsonrpc: '2.0', id: idOf(sent[0]), result: { content: [] } });
    await live1;
    time.advance(CALL_TIMEOUT_MS - 60_000);
    assert.equal(time.pendingTimers, 0, 'the abandoned call (deadline still ahead) keeps no deadline timer armed');
    assert.equal(sent.length, 3, 'and is not cancelled twice');
  });

  it('close(): the deadline timer disposed, "Connection closed" as the SDK said it, once', async () => {
    const { calls, place, clock, time, shut } = channel();
    const call = settled(calls.call('a', {}, { cancel: live(), release: place(), clock }));
    assert.equal(time.pendingTimers, 1, 'a live call has the deadline timer armed');
    shut();
    assert.equal(time.pendingTimers, 0, 'a closed channel has none');
    const { error } = await call;
    assert.ok(error instanceof McpError && error.message === 'MCP error -32000: Connection closed', `the SDK's error: ${String(error)}`);
    calls.close();
    assert.equal(calls.size, 0, 'a second close finds nothing');
  });

  it('an abandoned call honours its own grace, and keeps its place when the channel could not be told', async () => {
    const { sent, calls, places, place, clock, shut } = channel();
    const a = new AbortController();
    void settled(calls.call('a', {}, { cancel: cancelOfSignal(a.signal), release: place(), clock, graceMs: 5 }));
    a.abort();
    clock.advance(4);
    assert.equal(places.released, 0, 'held 1 ms before its grace');
    clock.advance(1);
    assert.equal(places.released, 1, 'freed at its grace');
    // The channel fails to write (closing): the cancel still rejects at once; the close frees the place.
    let broken = false;
    const fragile = new ForwardedCalls((m) => {
      if (broken) throw new Error('channel closing');
      sent.push(m);
    }, new ManualClock());
    const b = new AbortController();
    const cancelled = settled(fragile.call('b', {}, { cancel: cancelOfSignal(b.signal), release: place(), clock }));
    broken = true;
    b.abort('stop');
    assert.ok((await cancelled).error instanceof McpError, 'the caller has its cancel');
    assert.equal(places.released, 1, 'the place is held while the child may still work');
    fragile.close();
    assert.equal(places.released, 2, 'the close gives it back');
    shut();
  });

  it('the default clock is monotonic and its timer neither keeps the process alive nor outlives close()', async () => {
    const setSpy = mock.method(globalThis, 'setTimeout');
    const clearSpy = mock.method(globalThis, 'clearTimeout');
    try {
      const calls = new ForwardedCalls(() => undefined);
      const call = settled(calls.call('a', {}, { cancel: live(), release: () => undefined, clock: new ManualClock() }));
      assert.equal(setSpy.mock.callCount(), 1, 'one timer armed');
      assert.equal(setSpy.mock.calls[0]!.arguments[1], CALL_TIMEOUT_MS, 'for the deadline');
      const timer = setSpy.mock.calls[0]!.result as unknown as NodeJS.Timeout;
      assert.equal(timer.hasRef(), false, 'unref\'d: a deadline does not keep a stopping host alive');
      calls.close();
      assert.ok(clearSpy.mock.calls.some((c) => c.arguments[0] === timer), 'close() clears it');
      assert.ok((await call).error instanceof McpError, 'the call failed with the close');
    } finally {
      setSpy.mock.restore();
      clearSpy.mock.restore();
    }
    // Timers and the wall clock move 10 minutes, performance.now() does not: no timeout yet.
    let mono = 1_000;
    const now = mock.method(performance, 'now', () => mono);
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const sent: JSONRPCMessage[] = [];
      const calls = new ForwardedCalls((m) => void sent.push(m));
      const call = settled(calls.call('a', {}, { cancel: live(), release: () => undefined, clock: new ManualClock() }));
      mock.timers.tick(CALL_TIMEOUT_MS);
      assert.equal(sent.length, 1, 'a wall clock (and the timer) moved on, the monotonic clock did not: the call lives');
      mono += CALL_TIMEOUT_MS - 1;
      mock.timers.tick(CALL_TIMEOUT_MS);
      assert.equal(sent.length, 1, '1 ms before its deadline on the monotonic clock the call lives');
      mono += 1;
      mock.timers.tick(1);
      assert.equal(sent.length, 2, 'at its deadline it is cancelled');
      assert.ok((await call).error instanceof McpError, 'and times out');
    } finally {
      mock.timers.reset();
      now.mock.restore();
    }
  });
});

describe('ForwardedCalls: the life cap progress never moves (D262)', () => {
  const live = () => cancelOfSignal(new AbortController().signal);
  const idOf = (m: JSONRPCMessage | undefined) => (m as { id: number }).id;
  const cancels = (sent: JSONRPCMessage[]) => sent.filter((m) => 'method' in m && m.method === 'notifications/cancelled');
  const progress = (calls: ForwardedCalls, id: number, n: number) => calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: id, progress: n } });

  it('Security: a call kept alive by progress every 9 minutes ends at 1 hour and not 1 ms before; the child told once, the place kept until it answers (D211)', async () => {
    const { sent, calls, places, place, clock, time } = channel();
    assert.equal(DEFAULT_MAX_CALL_MS, 60 * 60_000, 'an hour by default');
    const call = settled(calls.call('kept', {}, { cancel: live(), onprogress: () => undefined, release: place(), clock }));
    const id = idOf(sent[0]);
    for (let n = 1; n <= 6; n++) {
      time.advance(9 * 60_000);
      assert.ok(progress(calls, id, n), `progress ${n} taken`);
    }
    time.advance(6 * 60_000 - 1);
    assert.ok(progress(calls, id, 7), 'progress 1 ms before the cap is still the live call\'s');
    assert.equal(cancels(sent).length, 0, 'nothing cancelled 1 ms before the hour');
    time.advance(1);
    const { error } = await call;
    assert.ok(error instanceof CallLifetimeError, `ended by the cap: ${String(error)}`);
    assert.equal(error.message, 'it ran for 60 minutes, the longest one call may run (children.maxCallMinutes in config.json)', 'says which limit and where it is set');
    assert.equal(error.code, 'CORE_CALL_LIFETIME', 'a coded error');
    assert.deepEqual(cancels(sent), [{ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(error) } }], 'the child told, once');
    assert.equal(progress(calls, id, 8), false, 'the child\'s later progress is not the call\'s any more');
    time.advance(CALL_TIMEOUT_MS);
    assert.equal(cancels(sent).length, 1, 'not cancelled again');
    assert.equal(places.released, 0, 'the place is kept while the child may still work on it');
    calls.take({ jsonrpc: '2.0', id, result: { content: [] } });
    assert.equal(places.released, 1, 'the child\'s answer gives it back');
  });

  it('progress exactly 10 minutes before the cap makes the cap the deadline: reaching it is the cap, not silence', async () => {
    const { sent, calls, place, clock, time } = channel();
    const call = settled(calls.call('kept', {}, { cancel: live(), onprogress: () => undefined, release: place(), clock }));
    const id = idOf(sent[0]);
    for (let n = 1; n <= 5; n++) {
      time.advance(9 * 60_000);
      progress(calls, id, n);
    }
    time.advance(5 * 60_000);
    // 50 minutes in: the restarted deadline is exactly the cap.
    progress(calls, id, 6);
    time.advance(CALL_TIMEOUT_MS - 1);
    assert.equal(cancels(sent).length, 0, 'not 1 ms before');
    time.advance(1);
    const { error } = await call;
    assert.ok(error instanceof CallLifetimeError, `the cap ended it: ${String(error)}`);
  });

  it('a call without progress still times out at its 10 minutes; a longer cap is its own; a shorter one is the deadline', async () => {
    const { sent, calls, place, clock, time } = channel();
    const quiet = settled(calls.call('quiet', {}, { cancel: live(), onprogress: () => undefined, release: place(), clock }));
    const long = settled(calls.call('long', {}, { cancel: live(), onprogress: () => undefined, release: place(), clock, maxCallMs: 90 * 60_000 }));
    const short = settled(calls.call('short', {}, { cancel: live(), release: place(), clock, maxCallMs: 60_000 }));
    const longId = idOf(sent[1]);
    time.advance(CALL_TIMEOUT_MS - 1);
    progress(calls, longId, 1);
    time.advance(1);
    const q = (await quiet).error;
    assert.ok(q instanceof McpError && q.code === ErrorCode.RequestTimeout, `the quiet call timed out as before: ${String(q)}`);
    const s = (await short).error;
    assert.ok(s instanceof McpError && s.code === ErrorCode.RequestTimeout, `a cap below the deadline is the deadline: ${String(s)}`);
    for (let n = 2; n <= 9; n++) {
      time.advance(9 * 60_000);
      progress(calls, longId, n);
    }
    // 10 + 72 = 82 minutes: past the default hour, the long call lives on.
    assert.equal(cancels(sent).length, 2, 'the long call lives past an hour');
    time.advance(8 * 60_000 - 1);
    assert.equal(cancels(sent).length, 2, '1 ms before its 90 minutes');
    time.advance(1);
    const l = (await long).error;
    assert.ok(l instanceof CallLifetimeError && l.maxCallMs === 90 * 60_000 && l.message.startsWith('it ran for 90 minutes'), `its own cap: ${String(l)}`);
  });
});
