// RateLimiter.take(caller, cost): a JSON-RPC batch spends one token per message (D171).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../../src/platform/http/rate-limiter.js';

describe('RateLimiter.take(caller, cost)', () => {
  it('spends cost tokens all or none, and says how long until cost tokens are there', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    assert.deepEqual(limiter.take('a', 50), { ok: true });
    // 10 left: 11 are refused and spend nothing; the wait is for the one missing token.
    assert.deepEqual(limiter.take('a', 11), { ok: false, retryAfterSeconds: 1 });
    assert.deepEqual(limiter.take('a', 10), { ok: true });
    assert.deepEqual(limiter.take('a', 30), { ok: false, retryAfterSeconds: 30 });
    now += 30_000;
    assert.deepEqual(limiter.take('a', 30), { ok: true });
    assert.equal(limiter.take('a').ok, false);
  });

  it('never passes more than a full bucket at once, and asks to wait for a full bucket', () => {
    let now = 0;
    const limiter = new RateLimiter(10, () => now);
    assert.deepEqual(limiter.take('a', 11), { ok: false, retryAfterSeconds: 1 });
    now += 3_600_000;
    assert.equal(limiter.take('a', 11).ok, false);
    assert.equal(limiter.take('a', 10).ok, true);
    assert.deepEqual(limiter.take('a', 11), { ok: false, retryAfterSeconds: 60 });
  });
});
