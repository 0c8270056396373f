import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHILD_CALLS_IN_FLIGHT, FairShare, SESSION_CALLS_IN_FLIGHT, type QueuedReason, type Release } from '../../../src/platform/gateway/fair-share.js';

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
  it('keeps the caps in one place, a session\'s share below the child\'s', () => {
    assert.ok(SESSION_CALLS_IN_FLIGHT < CHILD_CALLS_IN_FLIGHT, 'a session\'s share is below the child\'s cap');
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
});
