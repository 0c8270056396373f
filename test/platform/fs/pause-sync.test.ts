// The config lock's and the host lock's polls wait without an event loop (a synchronous
// section). Where Atomics.wait is refused (a browser's main thread) the pause spins for the
// same time instead; the clock is a fake here, so no test measures time.
import { describe, it, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { pauseSync } from '../../../src/platform/fs/pause-sync.js';

describe('pauseSync()', () => {
  afterEach(() => mock.restoreAll());

  it('waits on Atomics.wait for the given time', () => {
    const waits: unknown[][] = [];
    mock.method(Atomics, 'wait', (...args: unknown[]) => { waits.push(args.slice(1)); return 'timed-out'; });
    pauseSync(25);
    assert.deepEqual(waits, [[0, 0, 25]]);
  });

  it('spins until the time has passed where Atomics.wait is refused', () => {
    mock.method(Atomics, 'wait', () => { throw new TypeError('Atomics.wait cannot be called in this context'); });
    let now = 1_000_000;
    const reads: number[] = [];
    mock.method(Date, 'now', () => { reads.push(now); return (now += 4); });
    pauseSync(20);
    // The deadline read (1_000_004 + 20 = 1_000_024), then reads until one reaches it.
    assert.equal(reads.length, 6);
    assert.equal(now, 1_000_024);
  });
});
