// E3-tidy: one wait per stream for its buffer to drain or the stream to close, shared by every
// send waiting at once (the gateway socket's transport and the HTTP door's SSE backpressure).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { DrainWait } from '../../../src/platform/ipc/drain-wait.js';

const listeners = (s: EventEmitter): number[] => [s.listenerCount('drain'), s.listenerCount('close')];

describe('DrainWait (E3-tidy)', () => {
  it('Security: 16 sends waiting on one stream add one drain/close listener pair, and a drain lets them all go and leaves none', async () => {
    const stream = new EventEmitter();
    const wait = new DrainWait(stream);
    const waits = Array.from({ length: 16 }, () => wait.wait());
    assert.deepEqual(listeners(stream), [1, 1], 'one listener pair for 16 waiting sends');
    assert.equal(wait.waiting, true, 'the wait is armed');
    let gone = 0;
    for (const w of waits) void w.then(() => gone++);
    stream.emit('drain');
    await Promise.all(waits);
    assert.equal(gone, 16, 'every waiting send went on');
    assert.deepEqual(listeners(stream), [0, 0], 'no listener left');
    assert.equal(wait.waiting, false, 'nothing armed');
  });

  it('ends on the stream\'s close or on release(), and arms afresh for the next full buffer', async () => {
    const stream = new EventEmitter();
    const wait = new DrainWait(stream);
    const first = wait.wait();
    stream.emit('close');
    await first;
    assert.deepEqual(listeners(stream), [0, 0], 'the close ended it and left no listener');
    const second = wait.wait();
    assert.notEqual(second, first, 'a new wait, not the ended one');
    assert.deepEqual(listeners(stream), [1, 1], 'armed again');
    wait.release();
    await second;
    assert.deepEqual(listeners(stream), [0, 0], 'release() ended it and left no listener');
    assert.doesNotThrow(() => wait.release(), 'a release with nothing waiting is nothing');
    const third = wait.wait();
    stream.emit('drain');
    stream.emit('drain');
    await third;
    assert.deepEqual(listeners(stream), [0, 0], 'a second drain finds nothing to end');
  });
});
