import type { PolicyLimits, RateLimit } from '../../base/contracts/policy.js';
import { globMatch } from '../../base/policy/glob.js';
import type { Clock } from '../ports/clock.js';

/** A limit a call hit: named in the approval it is held for (issue 14). */
export interface LimitHit {
  /** `rate`, `objects` or `breaker`. */
  readonly kind: 'rate' | 'objects' | 'breaker';
  /** One line that names the limit: "limit 'power or snapshot changes' (5 per 10 min on vc1) reached". */
  readonly message: string;
}

/**
 * What a rate counts, as one key: its tools and its window, not its name or its maximum.
 * Security (E7-redteam): counts keyed by the name let a config.json writer empty a confirmed
 * rate's count without a prompt: a rate of the same name with a one-second window, put first,
 * pruned the shared list to the last second at every check; one of the same name with other
 * tools kept the confirmed rate from being counted at all. Calls of the same tools in the same
 * window are the same count, whatever the rate is called or allows.
 */
export function rateKey(rate: RateLimit): string {
  return JSON.stringify([[...rate.tools].sort(), rate.windowSeconds]);
}

const span = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`);

/**
 * Blast-radius limits per endpoint (issue 14): at most N calls of a tool group per window, at
 * most M objects per plan, and a breaker that opens after repeated upstream failures on an
 * endpoint and stays open for a cool-down. Time comes from the injectable Clock. State is in
 * memory: a host restart starts the windows afresh (DECISIONS).
 */
export class BlastRadius {
  /** `${rateKey}\0${endpoint}` → times of the counted calls, oldest first. */
  private readonly calls = new Map<string, number[]>();
  private readonly failures = new Map<string, { inRow: number; openUntil: number }>();

  constructor(private readonly clock: Clock) {}

  /** The limits `tool` on `endpoint` with `objects` targets would exceed now, if it ran. */
  check(limits: PolicyLimits, tool: string, endpoint: string, objects: number): LimitHit[] {
    const now = this.clock.now();
    const hits: LimitHit[] = [];
    for (const rate of limits.rates) {
      if (!rate.tools.some((g) => globMatch(g, tool))) continue;
      const recent = this.recent(`${rateKey(rate)}\0${endpoint}`, now, rate.windowSeconds);
      if (recent.length >= rate.max) hits.push({ kind: 'rate', message: `limit '${rate.name}' reached: ${rate.max} per ${span(rate.windowSeconds)} on endpoint ${endpoint} (${recent.length} already)` });
    }
    if (objects > limits.maxObjectsPerCall) hits.push({ kind: 'objects', message: `limit 'objects per call' reached: this call targets ${objects} objects, more than ${limits.maxObjectsPerCall}` });
    const breaker = this.failures.get(endpoint);
    if (breaker && breaker.openUntil > now) {
      hits.push({ kind: 'breaker', message: `breaker open on endpoint ${endpoint}: ${breaker.inRow} upstream failures in a row; it closes in ${Math.ceil((breaker.openUntil - now) / 1000)} s` });
    }
    return hits;
  }

  /** Count a call that is about to run against the rate limits it falls under, once per count. */
  record(limits: PolicyLimits, tool: string, endpoint: string): void {
    const now = this.clock.now();
    const counted = new Set<string>();
    for (const rate of limits.rates) {
      if (!rate.tools.some((g) => globMatch(g, tool))) continue;
      const key = `${rateKey(rate)}\0${endpoint}`;
      if (counted.has(key)) continue;
      counted.add(key);
      this.calls.set(key, [...this.recent(key, now, rate.windowSeconds), now]);
    }
  }

  /** The upstream outcome of a call that ran: failures in a row open the breaker. */
  outcome(limits: PolicyLimits, endpoint: string, failed: boolean): void {
    if (!failed) {
      this.failures.delete(endpoint);
      return;
    }
    const state = this.failures.get(endpoint) ?? { inRow: 0, openUntil: 0 };
    state.inRow += 1;
    if (state.inRow >= limits.breaker.failures) state.openUntil = this.clock.now() + limits.breaker.coolDownSeconds * 1000;
    this.failures.set(endpoint, state);
  }

  private recent(key: string, now: number, windowSeconds: number): number[] {
    // Stryker disable next-line ArrayDeclaration: a non-empty default holds no time, and no text passes the time filter.
    const kept = (this.calls.get(key) ?? []).filter((t) => t > now - windowSeconds * 1000);
    // Stryker disable next-line ConditionalExpression: an empty list and no entry count the same; deleting only frees the memory.
    if (kept.length) this.calls.set(key, kept);
    else this.calls.delete(key);
    return kept;
  }
}
