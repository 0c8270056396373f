import type { RateDecision } from './rate-limiter.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Default refusals a minute one remote address may cause before it only gets 429. */
export const UNAUTH_PER_SOURCE_PER_MINUTE = 60;
/** Default refusals a minute all sources together may cause (on loopback they are all 127.0.0.1). */
export const UNAUTH_GLOBAL_PER_MINUTE = 300;
/** Remote addresses tracked at once; the oldest is forgotten first. */
const MAX_SOURCES = 256;

/**
 * Token buckets for requests that fail before authentication (issue 10 item 4): one per
 * remote address (port-independent) and one for everyone. A request that fails a check
 * spends a token from both; when either is empty the door answers a bare 429 at once, with
 * no per-request audit line. A request that passes every check never spends or needs a
 * token, so a flooding web page cannot lock out a real client on the same address.
 */
export class UnauthBudget {
  private readonly sources = new Map<string, Bucket>();
  private readonly global: Bucket;

  constructor(
    private readonly perSource: number = UNAUTH_PER_SOURCE_PER_MINUTE,
    private readonly overall: number = UNAUTH_GLOBAL_PER_MINUTE,
    /** Epoch ms; tests pass a hand-driven clock. */
    private readonly now: () => number = Date.now,
  ) {
    this.global = { tokens: overall, at: now() };
  }

  /** Spend one refusal for `source`, or say how long it must wait. */
  take(source: string): RateDecision {
    const now = this.now();
    let bucket = this.sources.get(source);
    if (!bucket) {
      if (this.sources.size >= MAX_SOURCES) this.sources.delete(this.sources.keys().next().value as string);
      bucket = { tokens: this.perSource, at: now };
      this.sources.set(source, bucket);
    }
    const own = refill(bucket, this.perSource, now);
    const all = refill(this.global, this.overall, now);
    if (own >= 1 && all >= 1) {
      bucket.tokens -= 1;
      this.global.tokens -= 1;
      return { ok: true };
    }
    const waitMs = Math.max(own >= 1 ? 0 : ((1 - own) * 60_000) / this.perSource, all >= 1 ? 0 : ((1 - all) * 60_000) / this.overall);
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}

/** Top `bucket` up for the time passed (never backwards) and return its tokens. */
function refill(bucket: Bucket, perMinute: number, now: number): number {
  bucket.tokens = Math.min(perMinute, bucket.tokens + (Math.max(0, now - bucket.at) * perMinute) / 60_000);
  bucket.at = now;
  return bucket.tokens;
}
