import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../../src/base/events/emitter.js';
import { DisposableStore } from '../../../src/base/lifecycle/disposable.js';

describe('Emitter', () => {
  it('delivers fired events to every listener in subscription order', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    emitter.event((n) => seen.push(`a${n}`));
    emitter.event((n) => seen.push(`b${n}`));
    emitter.fire(1);
    emitter.fire(2);
    assert.deepEqual(seen, ['a1', 'b1', 'a2', 'b2']);
    emitter.dispose();
  });

  it('stops delivering to a listener once its subscription is disposed', () => {
    const emitter = new Emitter<string>();
    const seen: string[] = [];
    const sub = emitter.event((s) => seen.push(s));
    emitter.fire('before');
    sub.dispose();
    sub.dispose();
    emitter.fire('after');
    assert.deepEqual(seen, ['before']);
    assert.equal(emitter.hasListeners(), false);
  });

  it('treats the same function subscribed twice as two subscriptions', () => {
    const emitter = new Emitter<void>();
    let calls = 0;
    const listener = () => calls++;
    const first = emitter.event(listener);
    emitter.event(listener);
    first.dispose();
    emitter.fire();
    assert.equal(calls, 1);
    emitter.dispose();
  });

  it('works when `event` is passed around unbound', () => {
    const emitter = new Emitter<number>();
    const { event } = emitter;
    const seen: number[] = [];
    event((n) => seen.push(n));
    emitter.fire(7);
    assert.deepEqual(seen, [7]);
    emitter.dispose();
  });

  it('does not call a listener added during fire until the next event', () => {
    const emitter = new Emitter<number>();
    const late: number[] = [];
    let added = false;
    emitter.event(() => {
      if (added) return;
      added = true;
      emitter.event((n) => late.push(n));
    });
    emitter.fire(1);
    assert.deepEqual(late, []);
    emitter.fire(2);
    assert.deepEqual(late, [2]);
    emitter.dispose();
  });

  it('does not call a listener removed by an earlier listener during the same fire', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const store = new DisposableStore();
    emitter.event(() => store.dispose());
    store.add(emitter.event((n) => seen.push(n)));
    emitter.fire(1);
    assert.deepEqual(seen, []);
    emitter.dispose();
  });

  it('keeps delivering to the others when a listener throws, and reports the error', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>({ onListenerError: (e) => errors.push(e) });
    const seen: number[] = [];
    const boom = new Error('listener bug');
    emitter.event(() => {
      throw boom;
    });
    emitter.event((n) => seen.push(n));
    emitter.fire(3);
    assert.deepEqual(seen, [3]);
    assert.deepEqual(errors, [boom]);
    emitter.dispose();
  });

  it('rethrows a listener error on a microtask when no handler is given, after the others ran', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const boom = new Error('unhandled listener bug');
    emitter.event(() => {
      throw boom;
    });
    emitter.event((n) => seen.push(n));
    // Capture the microtask instead of letting it crash the test runner.
    const scheduled: (() => void)[] = [];
    const original = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (cb) => void scheduled.push(cb);
    try {
      emitter.fire(4);
    } finally {
      globalThis.queueMicrotask = original;
    }
    assert.deepEqual(seen, [4]);
    assert.equal(scheduled.length, 1);
    assert.throws(() => scheduled[0]?.(), (e) => e === boom);
    emitter.dispose();
  });

  it('after dispose(): drops listeners, ignores fire, and subscribes nothing', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    emitter.event((n) => seen.push(n));
    emitter.dispose();
    emitter.fire(1);
    const sub = emitter.event((n) => seen.push(n));
    emitter.fire(2);
    sub.dispose();
    assert.deepEqual(seen, []);
    assert.equal(emitter.hasListeners(), false);
  });
});
