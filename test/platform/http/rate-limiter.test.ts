import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../../src/platform/http/rate-limiter.js';
import { ManualClock } from '../../mocks/manual-clock.js';

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then says how many seconds until the next token', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) assert.deepEqual(limiter.take('a'), { ok: true });
    assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSeconds: 1 });
    now += 1000;
    assert.deepEqual(limiter.take('a'), { ok: true });
    assert.equal(limiter.take('a').ok, false);
  });

  it('refills continuously up to the burst size, never beyond', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    limiter.take('a');
    limiter.take('a');
    assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSeconds: 30 });
    now += 60 * 60_000;
    assert.equal(limiter.take('a').ok, true);
    assert.equal(limiter.take('a').ok, true);
    assert.equal(limiter.take('a').ok, false);
  });

  it('keeps a separate bucket per caller, so a rotated key starts afresh', () => {
    const limiter = new RateLimiter(1, () => 0);
    assert.equal(limiter.take('old').ok, true);
    assert.equal(limiter.take('old').ok, false);
    assert.equal(limiter.take('new').ok, true);
  });

  it('mints no tokens when the clock steps backwards', () => {
    // An hour back (NTP, a VM restored from a snapshot) would be 60 tokens if the elapsed
    // time were taken by its size; it must count as no time at all.
    const clock = new ManualClock();
    const limiter = new RateLimiter(1, () => clock.now());
    assert.equal(limiter.take('a').ok, true);
    clock.jump(-60 * 60_000);
    assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSeconds: 60 });
    // Time then runs forward from where the clock now is: one minute is one token again.
    clock.jump(60_000);
    assert.equal(limiter.take('a').ok, true);
    assert.equal(limiter.take('a').ok, false);
  });

  it('refuses a non-positive or fractional rate', () => {
    assert.throws(() => new RateLimiter(0), RangeError);
    assert.throws(() => new RateLimiter(1.5), { name: 'RangeError', message: 'perMinute must be a positive integer, got 1.5' });
  });

  it('counts a partly refilled token when saying how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    limiter.take('a');
    limiter.take('a');
    now += 15_000; // Half a token back.
    assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSeconds: 15 });
  });
});
