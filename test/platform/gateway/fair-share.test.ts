import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHILD_CALLS_IN_FLIGHT, CLIENT_CALLS_IN_FLIGHT, CLIENT_CALLS_WAITING, FairShare, SESSION_CALLS_IN_FLIGHT, SESSION_CALLS_WAITING, type QueuedReason, type Release } from '../../../src/platform/gateway/fair-share.js';
import { QueueFullError } from '../../../src/platform/gateway/queue-full-error.js';

/** Let promise callbacks run (admissions resolve promises). */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** Every call's admission in the order it happened, as `session:n`. */
function recorder(share: FairShare<string>) {
  const order: string[] = [];
  const releases = new Map<string, Release>();
  const start = (session: string, n: number, signal = new AbortController().signal) =>
    share.acquire(session, signal).then((release) => {
      order.push(`${session}:${n}`);
      releases.set(`${session}:${n}`, release);
    });
  return { order, releases, start };
}

describe('FairShare', () => {
  it('keeps the caps in one place, a client\'s share below the child\'s, a session\'s within its client\'s', () => {
    assert.ok(CLIENT_CALLS_IN_FLIGHT < CHILD_CALLS_IN_FLIGHT, 'a client\'s share is below the child\'s cap');
    assert.ok(SESSION_CALLS_IN_FLIGHT <= CLIENT_CALLS_IN_FLIGHT, 'a session\'s share is within its client\'s');
    assert.equal(new FairShare<string>().serving, 0);
  });

  it('admits at once under both caps; past its share a session waits while another goes at once', async () => {
    const queued: [string, QueuedReason][] = [];
    const share = new FairShare<string>({ childCap: 4, sessionCap: 2, onQueued: (s, r) => queued.push([s, r]) });
    const { order, start } = recorder(share);
    const a = [1, 2, 3, 4, 5].map((n) => start('a', n));
    await settle();
    assert.deepEqual(order, ['a:1', 'a:2'], 'a holds its share, no more');
    assert.equal(share.waiting, 3, 'three of a\'s calls wait');
    assert.deepEqual(queued, [['a', 'over-share'], ['a', 'over-share'], ['a', 'over-share']], 'each wait reported, as over its share');
    assert.ok(share.tryAcquire('b'), 'b gets a place at once beside a\'s queue');
    assert.equal(share.tryAcquire('a'), undefined, 'a does not jump its own queue');
    assert.equal(share.serving, 3);
    void a;
  });

  it('gives a freed place to the waiting session with the fewest calls in flight, ties in turn', async () => {
    const queued: [string, QueuedReason][] = [];
    const share = new FairShare<string>({ childCap: 4, sessionCap: 4, onQueued: (s, r) => queued.push([s, r]) });
    const { order, releases, start } = recorder(share);
    for (const n of [1, 2, 3, 4, 5, 6]) void start('a', n);
    await settle();
    assert.deepEqual(order, ['a:1', 'a:2', 'a:3', 'a:4'], 'a fills the child');
    void start('b', 1);
    void start('c', 1);
    void start('b', 2);
    await settle();
    assert.deepEqual(queued.slice(2), [['b', 'child-busy'], ['c', 'child-busy'], ['b', 'child-busy']], 'b and c wait for the full child, not over their share');
    releases.get('a:1')!();
    await settle();
    assert.equal(order.at(-1), 'b:1', 'b (none in flight) goes before a\'s older queue');
    releases.get('a:2')!();
    await settle();
    assert.equal(order.at(-1), 'c:1', 'then c, which holds none either');
    releases.get('a:3')!();
    await settle();
    assert.equal(order.at(-1), 'b:2', 'b holds one, a three: b');
    releases.get('a:4')!();
    await settle();
    assert.equal(order.at(-1), 'a:5', 'a\'s queue goes on once it holds the fewest');
    assert.equal(share.waiting, 1);
  });

  it('prefers the session holding fewer calls even when another session\'s turn is next', async () => {
    const share = new FairShare<string>({ childCap: 4, sessionCap: 4 });
    const { order, releases, start } = recorder(share);
    for (const n of [1, 2, 3]) void start('a', n);
    void start('b', 1);
    await settle();
    void start('a', 4);
    void start('b', 2);
    await settle();
    assert.equal(share.waiting, 2, 'a and b each wait with one call, a first in turn');
    releases.get('b:1')!();
    await settle();
    assert.equal(order.at(-1), 'b:2', 'b holds none now, a three: b goes first');
  });

  it('takes turns between sessions with equal calls in flight', async () => {
    const share = new FairShare<string>({ childCap: 1, sessionCap: 1 });
    const { order, releases, start } = recorder(share);
    for (const n of [1, 2, 3]) void start('a', n);
    for (const n of [1, 2, 3]) void start('b', n);
    await settle();
    for (let i = 0; i < 5; i++) {
      releases.get(order.at(-1)!)!();
      await settle();
    }
    assert.deepEqual(order, ['a:1', 'b:1', 'a:2', 'b:2', 'a:3', 'b:3'], 'one each in turn');
  });

  it('drops a waiting call whose signal aborts: it is never admitted and its place goes to the next', async () => {
    const share = new FairShare<string>({ childCap: 1, sessionCap: 1 });
    const { order, releases, start } = recorder(share);
    void start('a', 1);
    const cancel = new AbortController();
    const cancelled = start('a', 2, cancel.signal);
    void start('b', 1);
    await settle();
    cancel.abort(new Error('client cancelled'));
    await assert.rejects(cancelled, /client cancelled/, 'the waiting call fails with the signal\'s reason');
    assert.equal(share.waiting, 1, 'it left the queue');
    releases.get('a:1')!();
    await settle();
    assert.deepEqual(order, ['a:1', 'b:1'], 'the cancelled call never got a place');
    const aborted = new AbortController();
    aborted.abort(new Error('gone'));
    await assert.rejects(share.acquire('b', aborted.signal), /gone/, 'an already aborted call does not wait');
    assert.equal(share.waiting, 0, 'nor does it stay queued');
  });

  it('a release counts once, and nothing leaks when all is released', async () => {
    const share = new FairShare<string>({ childCap: 2, sessionCap: 1 });
    const first = share.tryAcquire('a')!;
    first();
    first();
    assert.equal(share.serving, 0, 'a second release of the same place does nothing');
    const { releases, start } = recorder(share);
    await Promise.all([start('a', 1), start('b', 1)]);
    const waiting = start('a', 2);
    await settle();
    assert.equal(share.serving, 2);
    releases.get('a:1')!();
    await waiting;
    releases.get('a:2')!();
    releases.get('b:1')!();
    assert.equal(share.serving, 0, 'no place held');
    assert.equal(share.waiting, 0, 'no call waiting');
  });

  it('never gives a session more than the child holds', async () => {
    const share = new FairShare<string>({ childCap: 2, sessionCap: 5 });
    const { order, start } = recorder(share);
    for (const n of [1, 2, 3]) void start('a', n);
    await settle();
    assert.deepEqual(order, ['a:1', 'a:2'], 'the share is capped by the child');
  });
  it('after one waiting call of a session is cancelled, its next still goes, and an emptied queue is forgotten', async () => {
    const share = new FairShare<string>({ childCap: 2, sessionCap: 1 });
    const { order, releases, start } = recorder(share);
    await start('a', 1);
    const cancel = new AbortController();
    const cancelled = start('a', 2, cancel.signal);
    void start('a', 3);
    await settle();
    cancel.abort(new Error('client cancelled'));
    await assert.rejects(cancelled, /client cancelled/);
    releases.get('a:1')!();
    await settle();
    assert.deepEqual(order, ['a:1', 'a:3'], 'a:3 kept its place in the queue');
    const lone = new AbortController();
    const alone = start('a', 4, lone.signal);
    await settle();
    lone.abort(new Error('gone'));
    await assert.rejects(alone, /gone/);
    assert.doesNotThrow(() => releases.get('a:3')!(), 'a release after the queue emptied by a cancel');
    assert.equal(share.serving, 0, 'nothing held');
    assert.equal(share.waiting, 0, 'nothing waits');
  });

  it('leaves no abort listener on an admitted call\'s signal', async () => {
    const share = new FairShare<string>({ childCap: 1, sessionCap: 1 });
    const first = share.tryAcquire('a')!;
    const signal = new AbortController().signal;
    const second = share.acquire('a', signal);
    assert.equal(getEventListeners(signal, 'abort').length, 1, 'a waiting call listens');
    first();
    await second;
    assert.equal(getEventListeners(signal, 'abort').length, 0, 'an admitted call no longer does');
  });

  describe('between clients (D200)', () => {
    /** Sessions `a1`…`a4` belong to client `a`, `b1` to client `b`: the first letter. */
    const byLetter = (session: string) => session[0];

    it('holds a client with four sessions to one client\'s share, so another client goes at once', async () => {
      const queued: [string, QueuedReason][] = [];
      const share = new FairShare<string>({ childCap: 8, clientCap: 4, sessionCap: 4, clientOf: byLetter, onQueued: (s, r) => queued.push([s, r]) });
      const { order, start } = recorder(share);
      for (const s of ['a1', 'a2', 'a3', 'a4']) for (const n of [1, 2, 3, 4]) void start(s, n);
      await settle();
      assert.equal(order.length, 4, 'a\'s four sessions together hold one client\'s share, not four');
      assert.equal(share.waiting, 12, 'the rest of a\'s calls wait');
      assert.ok(queued.every(([, r]) => r === 'over-share'), 'each wait of a is over its client\'s share, not a full child');
      for (const n of [1, 2, 3, 4]) void start('b1', n);
      await settle();
      assert.deepEqual(order.slice(4), ['b1:1', 'b1:2', 'b1:3', 'b1:4'], 'b, another client, gets its whole share at once');
      assert.equal(share.tryAcquire('a2'), undefined, 'a\'s other session has no room of its own');
    });

    it('gives a freed place to the waiting client with the fewest in flight, whatever its number of sessions', async () => {
      const share = new FairShare<string>({ childCap: 4, clientCap: 4, sessionCap: 4, clientOf: byLetter });
      const { order, releases, start } = recorder(share);
      for (const s of ['a1', 'a2', 'a3', 'a4']) void start(s, 1);
      for (const s of ['a1', 'a2', 'a3', 'a4']) void start(s, 2);
      await settle();
      assert.deepEqual(order, ['a1:1', 'a2:1', 'a3:1', 'a4:1'], 'a fills the child');
      void start('b1', 1);
      void start('b1', 2);
      await settle();
      releases.get('a1:1')!();
      await settle();
      assert.equal(order.at(-1), 'b1:1', 'b (none in flight) before a\'s four waiting sessions, each of which holds one too');
      releases.get('a2:1')!();
      await settle();
      assert.equal(order.at(-1), 'b1:2', 'b holds one, a three: b again');
      releases.get('a3:1')!();
      await settle();
      assert.equal(order.at(-1), 'a1:2', 'with b done, a\'s sessions go on');
    });

    it('takes turns between clients at a tie, and between a client\'s sessions within its turn', async () => {
      const share = new FairShare<string>({ childCap: 1, clientCap: 1, sessionCap: 1, clientOf: byLetter });
      const { order, releases, start } = recorder(share);
      for (const s of ['a1', 'a2']) for (const n of [1, 2]) void start(s, n);
      for (const n of [1, 2]) void start('b1', n);
      await settle();
      for (let i = 0; i < 5; i++) {
        releases.get(order.at(-1)!)!();
        await settle();
      }
      assert.deepEqual(order, ['a1:1', 'b1:1', 'a2:1', 'b1:2', 'a1:2', 'a2:2'], 'clients in turn (a, b, a, b); a\'s turns go to its sessions in turn (a1, a2, a1)');
    });

    it('within a client, gives the place to its session with the fewest in flight', async () => {
      const share = new FairShare<string>({ childCap: 8, clientCap: 3, sessionCap: 3, clientOf: byLetter });
      const { order, releases, start } = recorder(share);
      for (const n of [1, 2, 3, 4]) void start('a1', n);
      await settle();
      void start('a2', 1);
      await settle();
      assert.equal(share.waiting, 2, 'a1\'s fourth and a2\'s first wait: a holds its share');
      releases.get('a1:1')!();
      await settle();
      assert.equal(order.at(-1), 'a2:1', 'a2, holding none, goes before a1\'s older call');
    });

    it('gives a freed place to no client whose waiting sessions are all at their own cap', async () => {
      const share = new FairShare<string>({ childCap: 8, clientCap: 4, sessionCap: 2, clientOf: byLetter });
      const { order, start } = recorder(share);
      for (const n of [1, 2, 3]) void start('a1', n);
      await settle();
      const other = share.tryAcquire('b1');
      assert.ok(other, 'b goes at once');
      assert.doesNotThrow(() => other(), 'b\'s release finds only a1 waiting, at its session cap');
      await settle();
      assert.deepEqual(order, ['a1:1', 'a1:2'], 'a1\'s third call still waits, though its client has room');
      assert.equal(share.waiting, 1, 'it stays queued');
    });

    it('keeps clients with the same sessions apart when no clientOf is given', async () => {
      const share = new FairShare<string>({ childCap: 8, clientCap: 2, sessionCap: 2 });
      const { order, start } = recorder(share);
      for (const s of ['a1', 'a2']) for (const n of [1, 2, 3]) void start(s, n);
      await settle();
      assert.equal(order.length, 4, 'each session is its own client: two each');
    });

    it('forgets a client once its last waiting call is cancelled, and frees its places in full', async () => {
      const share = new FairShare<string>({ childCap: 2, clientCap: 1, sessionCap: 1, clientOf: byLetter });
      const { order, releases, start } = recorder(share);
      await start('a1', 1);
      const cancel = new AbortController();
      const cancelled = start('a2', 1, cancel.signal);
      await settle();
      cancel.abort(new Error('client cancelled'));
      await assert.rejects(cancelled, /client cancelled/, 'the waiting call of a fails with the reason');
      assert.equal(share.waiting, 0, 'nothing waits');
      releases.get('a1:1')!();
      await start('a2', 2);
      assert.deepEqual(order, ['a1:1', 'a2:2'], 'a\'s place came back whole: its other session goes at once');
    });
  });

  describe('waiting calls are bounded (D212)', () => {
    it('keeps the bounds in one place: a session\'s within its client\'s', () => {
      assert.ok(SESSION_CALLS_WAITING < CLIENT_CALLS_WAITING, 'a session parks less than its client');
    });

    it('refuses a session\'s call past its bound at once, reports it as queue-full, and takes calls again once one left', async () => {
      const queued: [string, QueuedReason][] = [];
      const share = new FairShare<string>({ sessionCap: 1, sessionWaiting: 2, clientWaiting: 10, onQueued: (s, r) => queued.push([s, r]) });
      const { order, releases, start } = recorder(share);
      const held = [1, 2, 3].map((n) => start('a', n));
      await settle();
      await assert.rejects(share.acquire('a', new AbortController().signal), (e: unknown) => e instanceof QueueFullError && e.waiting === 2 && e.whose === 'session' && /\(2 of this session's already wait for a place\); retry after some of them end/.test(e.message), 'the third waiting call is refused');
      assert.deepEqual(queued.at(-1), ['a', 'queue-full'], 'reported as queue-full');
      assert.equal(share.waiting, 2, 'the refused call is not queued');
      releases.get('a:1')!();
      await settle();
      assert.deepEqual(order, ['a:1', 'a:2'], 'the next in line goes');
      void start('a', 4);
      await settle();
      assert.equal(share.waiting, 2, 'room again: the call waits');
      void held;
    });

    it('refuses a call past its client\'s bound, over the client\'s sessions', async () => {
      const share = new FairShare<string>({ clientCap: 1, sessionWaiting: 5, clientWaiting: 3, clientOf: (s) => s.slice(0, 1) });
      const { start } = recorder(share);
      void [1, 2, 3].map((n) => start('a1', n));
      void start('a2', 1);
      await settle();
      assert.equal(share.waiting, 3, 'the client\'s bound');
      await assert.rejects(share.acquire('a2', new AbortController().signal), (e: unknown) => e instanceof QueueFullError && e.waiting === 3 && e.whose === 'client', 'past the client\'s bound');
      assert.ok(share.tryAcquire('b1'), 'another client goes at once');
    });

    it('by default lets a session park SESSION_CALLS_WAITING calls and its client CLIENT_CALLS_WAITING over its sessions, then refuses', async () => {
      const share = new FairShare<string>({ clientOf: (s) => s.slice(0, 1) });
      const { start } = recorder(share);
      const signal = new AbortController().signal;
      // a1 takes the client's whole share: every later call of client a waits.
      for (let n = 0; n < CLIENT_CALLS_IN_FLIGHT; n++) void start('a1', n);
      for (let n = 0; n < SESSION_CALLS_WAITING; n++) void start('a1', 100 + n);
      await settle();
      assert.equal(share.waiting, SESSION_CALLS_WAITING, 'a session parks its default bound');
      await assert.rejects(share.acquire('a1', signal), (e: unknown) => e instanceof QueueFullError && e.whose === 'session' && e.waiting === SESSION_CALLS_WAITING, 'the session\'s next call is refused at its default bound');
      const sessions = CLIENT_CALLS_WAITING / SESSION_CALLS_WAITING;
      for (let k = 2; k <= sessions; k++) for (let n = 0; n < SESSION_CALLS_WAITING; n++) void start(`a${k}`, n);
      await settle();
      assert.equal(share.waiting, CLIENT_CALLS_WAITING, 'the client parks its default bound over its sessions');
      await assert.rejects(share.acquire(`a${sessions + 1}`, signal), (e: unknown) => e instanceof QueueFullError && e.whose === 'client' && e.waiting === CLIENT_CALLS_WAITING, 'a new session of the client is refused at the client\'s default bound');
      assert.ok(share.tryAcquire('b1'), 'another client goes at once');
    });
  });
});
