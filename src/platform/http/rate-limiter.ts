/** What `RateLimiter.take` decided. */
export type RateDecision = { readonly ok: true } | { readonly ok: false; /** Whole seconds until a request would pass, at least 1. */ readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per caller: `perMinute` requests in a burst, refilled continuously at
 * `perMinute` per minute. The caller key is the API key's digest, so a rotated key
 * starts a fresh bucket and only buckets of keys still in use are kept.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    readonly perMinute: number,
    /** Epoch ms; tests pass a hand-driven clock. */
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(perMinute) || perMinute < 1) throw new RangeError(`perMinute must be a positive integer, got ${perMinute}`);
    this.refillPerMs = perMinute / 60_000;
  }

  /** Spend `cost` tokens (default one) for `caller`, all or none, or say how long to wait. */
  take(caller: string, cost = 1): RateDecision {
    const now = this.now();
    let bucket = this.buckets.get(caller);
    if (!bucket) {
      // One API key exists at a time; dropping the others keeps the map from growing with rotations.
      this.buckets.clear();
      bucket = { tokens: this.perMinute, at: now };
      this.buckets.set(caller, bucket);
    }
    // A clock that steps backwards must not mint tokens, hence max(0, ...).
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, now - bucket.at) * this.refillPerMs);
    bucket.at = now;
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    // More than a full bucket never passes; its wait is that of a full bucket.
    const waitMs = (Math.min(cost, this.perMinute) - bucket.tokens) / this.refillPerMs;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
